using System.Net;
using System.Text;

namespace MsRelapse.Server.Tests;

/// <summary>
/// A body that is not what an endpoint takes is answered with what it takes: a JSON value that is not an object is
/// not "unparseable (SomeException)", and a media type refused by routing gets the accepted types in its detail.
/// </summary>
public sealed class BodyMessageTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => host = await TestHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Theory]
    [InlineData("POST", "/api/evaluate", "[]", "a JSON array")]
    [InlineData("POST", "/api/evaluate", "null", "JSON null")]
    [InlineData("POST", "/api/evaluate", "42", "a JSON number")]
    [InlineData("POST", "/api/evaluate", "\"Bundle\"", "a JSON string")]
    [InlineData("PUT", "/api/patients/bm-1", "[{\"resourceType\":\"Bundle\"}]", "a JSON array")]
    [InlineData("POST", "/api/patients/bm-1/resources", "true", "a JSON boolean")]
    public async Task A_JSON_value_that_is_not_an_object_is_told_what_a_FHIR_resource_is(string method, string path, string body, string what)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await host.Client.SendAsync(request);
        var problem = await Problem.Assert(response, HttpStatusCode.BadRequest, "fhir-parse-error");
        var detail = (string?)problem["detail"];
        Assert.Contains(what, detail, StringComparison.Ordinal);
        Assert.Contains("\"resourceType\"", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "/api/evaluate", "text/plain")]
    [InlineData("POST", "/api/evaluate", "application/xml")]
    [InlineData("POST", "/api/evaluate", null)]
    [InlineData("PUT", "/api/patients/bm-2", "text/plain")]
    [InlineData("POST", "/api/patients/bm-2/resources", null)]
    public async Task A_media_type_refused_by_routing_gets_a_problem_naming_the_accepted_ones(string method, string path, string? mediaType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"resourceType\":\"Bundle\"}"));
        if (mediaType is not null)
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        }

        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = content };
        using var response = await host.Client.SendAsync(request);
        var problem = await Problem.Assert(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        var detail = (string?)problem["detail"];
        Assert.Contains("application/fhir+json", detail, StringComparison.Ordinal);
        Assert.Contains("application/json", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_statuses_without_a_body_still_get_their_problem_document()
    {
        await Problem.Assert(await host.Client.GetAsync("/api/no-such-thing"), HttpStatusCode.NotFound, "not-found");
        await Problem.Assert(await host.Client.PatchAsync("/api/patients/bm-3", new StringContent("{}", Encoding.UTF8, "application/json")), HttpStatusCode.MethodNotAllowed, "method-not-allowed");
    }
}
