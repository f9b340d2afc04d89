using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MsRelapse.Cli;
using MsRelapse.Testing;

namespace MsRelapse.Server.Tests;

public sealed class EvaluateApiTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => host = await TestHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    public static TheoryData<string> Examples() => [.. SharedExamples.Names];

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Evaluation_through_the_API_is_byte_identical_to_the_CLI_json(string example)
    {
        var bundle = SharedExamples.Load(example);
        var file = Path.Combine(Path.GetTempPath(), $"msrelapse-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, bundle);
        try
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var exit = Program.Run(["evaluate", file, "--as-of", "2026-05-11", "--json"], stdout, stderr, new StringReader(""));
            Assert.True(exit == 0, stderr.ToString());

            using var response = await host.Client.PostAsync("/api/evaluate?asOf=2026-05-11", TestHost.Fhir(bundle));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var api = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(Encoding.UTF8.GetBytes(stdout.ToString()), api);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("severe-relapse-untreated", "iv-methylprednisolone", "urgent")]
    [InlineData("steroid-refractory-relapse", "plasma-exchange", "urgent")]
    [InlineData("pseudo-relapse-with-fever", "treat-trigger", null)]
    [InlineData("aqp4-positive-myelitis", "plasma-exchange", "emergency")]
    public async Task Shared_examples_get_the_primary_action_their_README_states(string example, string primary, string? urgency)
    {
        using var response = await host.Client.PostAsync("/api/evaluate?asOf=2026-05-11", TestHost.Fhir(SharedExamples.Load(example)));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(primary, (string?)json["recommendation"]!["primary"]);
        if (urgency is not null)
        {
            Assert.Equal(urgency, (string?)json["recommendation"]!["urgency"]);
        }

        Assert.Equal("2026-05-11", (string?)json["asOf"]);
    }

    [Fact]
    public async Task Without_asOf_the_evaluation_date_is_today_from_the_injected_clock()
    {
        host.Clock.SetUtcNow(new DateTimeOffset(2026, 5, 13, 8, 0, 0, TimeSpan.Zero));
        using var response = await host.Client.PostAsync("/api/evaluate", TestHost.Fhir(SharedExamples.Load("severe-relapse-untreated")));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("2026-05-13", (string?)json["asOf"]);
        Assert.Equal(4, (int)json["episode"]!["daysSinceOnset"]!); // onset 2026-05-09 → 13 − 9 = 4 days
    }

    [Fact]
    public async Task Plain_application_json_is_accepted_like_fhir_json()
    {
        using var response = await host.Client.PostAsync("/api/evaluate?asOf=2026-05-11", TestHost.Fhir(SharedExamples.Load("severe-relapse-untreated"), "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/fhir+xml")]
    public async Task Other_media_types_are_415(string mediaType)
    {
        using var response = await host.Client.PostAsync("/api/evaluate", TestHost.Fhir(SharedExamples.Load("severe-relapse-untreated"), mediaType));
        await Problem.Assert(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Theory]
    [InlineData("11-05-2026")]
    [InlineData("2026-13-01")]
    [InlineData("yesterday")]
    public async Task A_malformed_asOf_is_400_invalid_parameter(string asOf)
    {
        using var response = await host.Client.PostAsync($"/api/evaluate?asOf={Uri.EscapeDataString(asOf)}", TestHost.Fhir(SharedExamples.Load("severe-relapse-untreated")));
        var problem = await Problem.Assert(response, HttpStatusCode.BadRequest, "invalid-parameter");
        Assert.Contains("asOf", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bundle_with_two_patients_is_a_problem_with_errors_naming_where()
    {
        var bundle = JsonNode.Parse(SharedExamples.Load("severe-relapse-untreated"))!.AsObject();
        bundle["entry"]!.AsArray().Add(new JsonObject
        {
            ["fullUrl"] = "Patient/other",
            ["resource"] = new JsonObject { ["resourceType"] = "Patient", ["id"] = "other" },
        });
        using var response = await host.Client.PostAsync("/api/evaluate?asOf=2026-05-11", TestHost.Fhir(bundle.ToJsonString()));
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, response.StatusCode.ToString());
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var errors = problem["errors"]!.AsArray();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.False(string.IsNullOrEmpty((string?)e!["code"])));
        Assert.Contains(errors, e => e!["resource"] is not null);
    }

    [Fact]
    public async Task A_bundle_without_a_Patient_is_422_with_the_no_patient_error()
    {
        // fhir-profile.md: no Patient, no one to evaluate (it used to be evaluated as "observe").
        var bundle = JsonNode.Parse(SharedExamples.Load("severe-relapse-untreated"))!.AsObject();
        var entries = bundle["entry"]!.AsArray();
        entries.Remove(entries.First(e => (string?)e!["resource"]!["resourceType"] == "Patient"));
        using var response = await host.Client.PostAsync("/api/evaluate?asOf=2026-05-11", TestHost.Fhir(bundle.ToJsonString()));
        var problem = await Problem.Assert(response, HttpStatusCode.UnprocessableEntity, "validation-failed");
        Assert.Equal("no-patient", (string?)Assert.Single(problem["errors"]!.AsArray())!["code"]);
    }

    [Fact]
    public async Task An_out_of_range_EDSS_is_422_validation_failed_with_the_resource_and_path()
    {
        // R0: a recorded EDSS of 11 is outside 0–10, so no recommendation can be made from it.
        var text = SharedExamples.Load("severe-relapse-untreated").Replace("\"value\": 4.0", "\"value\": 11.0", StringComparison.Ordinal);
        using var response = await host.Client.PostAsync("/api/evaluate?asOf=2026-05-11", TestHost.Fhir(text));
        var problem = await Problem.Assert(response, HttpStatusCode.UnprocessableEntity, "validation-failed");
        var error = Assert.Single(problem["errors"]!.AsArray());
        Assert.Equal("Observation/observ4", (string?)error!["resource"]);
    }
}
