using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.Server.Tests;

/// <summary>Bad input of every kind gets a 4xx problem with a stable code: never a 500, never a hang.</summary>
public sealed class RobustnessTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync(o => o.MaxBodyBytes = 64 * 1024);
        (await host.Client.PutAsync("/api/patients/robust-1", TestHost.Fhir(PatientApiTests.Bundle("robust-1")))).Dispose();
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static string[] Garbage()
    {
        string[] data =
        [
            "",
            " ",
            "null",
            "true",
            "42",
            "\"a string\"",
            "[]",
            "[{}]",
            "{}",
            "{",
            "}",
            "{\"resourceType\":",
            "{\"resourceType\":null}",
            "{\"resourceType\":42}",
            "{\"resourceType\":\"Bundle\"}",
            "{\"resourceType\":\"Bundle\",\"entry\":null}",
            "{\"resourceType\":\"Bundle\",\"entry\":{}}",
            "{\"resourceType\":\"Bundle\",\"entry\":[null]}",
            "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":null}]}",
            "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"birthDate\":\"yesterday\"}}]}",
            "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\"}},{\"resource\":{\"resourceType\":\"Observation\",\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"273554001\"}]},\"subject\":{\"reference\":\"Patient/p1\"},\"effectiveDateTime\":\"2026-99-01\",\"valueQuantity\":{\"value\":\"x\"}}}]}",
            "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/p1\"},\"onsetDateTime\":12}}]}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\"}",
            "{\"resourceType\":\"NoSuchThing\"}",
            "<Bundle xmlns=\"http://hl7.org/fhir\"/>",
            "\u0000\u0001\u0002",
            "{\"resourceType\":\"Bundle\",\"entry\":[" + string.Join(",", Enumerable.Repeat("{\"resource\":{\"resourceType\":\"Basic\"}}", 500)) + "]}",
            new string('[', 5000) + new string(']', 5000),
            "{\"a\":" + new string('[', 200) + new string(']', 200) + "}",
            "{\"resourceType\":\"Bundle\",\"resourceType\":\"Bundle\"}",
            "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"" + new string('x', 5000) + "\"}}]}",
            "\uFEFF{\"resourceType\":\"Bundle\"}",
            "{\"resourceType\":\"Bundle\",\"total\":1e999}",
            "{\"resourceType\":\"Observation\",\"id\":{\"x\":1}}",
            "{\"resourceType\":\"Observation\",\"id\":17}",
            "{\"resourceType\":\"Observation\",\"id\":\"../../etc\"}",
            "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Observation\",\"id\":[1]}}]}",
            "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":[\"Observation\"]}}]}",
            "{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"Patient/someone-else\"},\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8310-5\"}]},\"effectiveDateTime\":\"2026-05-10\",\"valueQuantity\":{\"value\":39,\"code\":\"Cel\",\"system\":\"http://unitsofmeasure.org\"}}",
        ];
        return data;
    }

    private static readonly (string Method, string Route)[] Routes =
    [
        ("POST", "/api/evaluate"),
        ("PUT", "/api/patients/robust-2"),
        ("POST", "/api/patients/robust-1/resources"),
    ];

    [Fact]
    public async Task Garbage_of_many_kinds_never_gets_a_500_on_any_route_that_reads_a_body()
    {
        foreach (var (method, route) in Routes)
        {
            foreach (var body in Garbage())
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), route) { Content = TestHost.Fhir(body) };
                using var response = await host.Client.SendAsync(request);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(status < 500, $"{method} {route} with {Show(body)} → {status}: {text}");
                if (status >= 400)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    Assert.False(string.IsNullOrEmpty((string?)JsonNode.Parse(text)!["code"]), text);
                }
            }
        }
    }

    [Fact]
    public async Task Invalid_UTF8_is_a_parse_error()
    {
        using var content = new ByteArrayContent([0x7B, 0xFF, 0xFE, 0x7D]);
        content.Headers.ContentType = new("application/fhir+json");
        using var response = await host.Client.PostAsync("/api/evaluate", content);
        await Problem.Assert(response, HttpStatusCode.BadRequest, "fhir-parse-error");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_payload_too_large()
    {
        var big = "{\"resourceType\":\"Bundle\",\"entry\":[],\"pad\":\"" + new string('x', 70 * 1024) + "\"}";
        using var response = await host.Client.PostAsync("/api/evaluate", TestHost.Fhir(big));
        await Problem.Assert(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        using var put = await host.Client.PutAsync("/api/patients/robust-3", TestHost.Fhir(big));
        await Problem.Assert(put, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Fact]
    public async Task A_body_streamed_without_a_length_is_still_cut_at_the_limit()
    {
        var big = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 200 * 1024) + "\"}");
        using var content = new StreamContent(new MemoryStream(big));
        content.Headers.ContentType = new("application/fhir+json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/evaluate") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await host.Client.SendAsync(request);
        await Problem.Assert(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Fact]
    public async Task Missing_content_type_is_415()
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(SharedExamples.Load("severe-relapse-untreated")));
        using var response = await host.Client.PostAsync("/api/evaluate", content);
        await Problem.Assert(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Theory]
    [InlineData("GET", "/api/nothing-here", HttpStatusCode.NotFound, "not-found")]
    [InlineData("GET", "/api/evaluate", HttpStatusCode.MethodNotAllowed, "method-not-allowed")]
    [InlineData("DELETE", "/api/edss", HttpStatusCode.MethodNotAllowed, "method-not-allowed")]
    public async Task Routing_failures_are_problems_too(string method, string path, HttpStatusCode status, string code)
    {
        using var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await Problem.Assert(response, status, code);
    }

    [Theory]
    [InlineData("/api/edss?visual=1e400&brainstem=0&pyramidal=0&cerebellar=0&sensory=0&bowelBladder=0&cerebral=0&ambulation=0")]
    [InlineData("/api/edss?visual=-0&brainstem=%00&pyramidal=0&cerebellar=0&sensory=0&bowelBladder=0&cerebral=0&ambulation=0")]
    [InlineData("/api/tpe-plan?sex=male&heightCm=1e308&weightKg=-1&hematocrit=Infinity")]
    [InlineData("/api/tpe-plan?sex=&heightCm=&weightKg=&hematocrit=&exchanges=99999999999999999999&start=0000-00-00")]
    [InlineData("/api/patients?page=99999999999&pageSize=-1&q=%00")]
    public async Task Garbage_query_parameters_are_400(string path)
    {
        using var response = await host.Client.GetAsync(path);
        await Problem.Assert(response, HttpStatusCode.BadRequest, "invalid-parameter");
    }

    private static string Show(string body) => body.Length <= 80 ? body : body[..80] + "…";
}
