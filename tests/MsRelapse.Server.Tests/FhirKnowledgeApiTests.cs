using System.Net;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MsRelapse.Fhir;
using MsRelapse.Testing;
using Task = System.Threading.Tasks.Task;

namespace MsRelapse.Server.Tests;

/// <summary>The /fhir endpoints: knowledge artifacts read-only, metadata, and PlanDefinition/$apply.</summary>
public sealed class FhirKnowledgeApiTests
{
    private const string Apply = "/fhir/PlanDefinition/ms-relapse-pathway/$apply";

    private static readonly FhirJsonDeserializer Parser = new();

    private static readonly FhirJsonSerializer Serializer = new();

    [Theory]
    [InlineData("PlanDefinition", "ms-relapse-pathway")]
    [InlineData("ActivityDefinition", "plasma-exchange")]
    [InlineData("ActivityDefinition", "oral-methylprednisolone")]
    [InlineData("Library", "ms-relapse-thresholds")]
    [InlineData("Evidence", "E-NICE-2022")]
    public async Task Artifacts_are_served_read_only_as_fhir_json(string type, string id)
    {
        await using var host = await TestHost.StartAsync();
        using var response = await host.Client.GetAsync($"/fhir/{type}/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var resource = Parser.Deserialize<Resource>(await response.Content.ReadAsStringAsync());
        Assert.Equal(type, resource.TypeName);
        Assert.Equal(id, resource.Id);
        using var put = await host.Client.PutAsync($"/fhir/{type}/{id}", new StringContent("{}", Encoding.UTF8, "application/fhir+json"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
    }

    [Fact]
    public async Task Unknown_artifacts_and_plan_definitions_are_404_operation_outcomes()
    {
        await using var host = await TestHost.StartAsync();
        using var missing = await host.Client.GetAsync("/fhir/PlanDefinition/other");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.IsType<OperationOutcome>(Parser.Deserialize<Resource>(await missing.Content.ReadAsStringAsync()));
        using var apply = await host.Client.PostAsync("/fhir/PlanDefinition/other/$apply?subject=Patient/x", null);
        Assert.Equal(HttpStatusCode.NotFound, apply.StatusCode);
        Assert.IsType<OperationOutcome>(Parser.Deserialize<Resource>(await apply.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Metadata_is_a_capability_statement_naming_apply()
    {
        await using var host = await TestHost.StartAsync();
        var statement = Parser.Deserialize<CapabilityStatement>(await host.Client.GetStringAsync("/fhir/metadata"));
        var plan = statement.Rest[0].Resource.Single(r => r.Type == "PlanDefinition");
        Assert.Contains(plan.Operation, o => o.Name == "apply");
        Assert.Equal("2026-05-11", statement.Date);
        // cpb-14: kind instance needs implementation (its description, and the base URL this request reached); a name.
        Assert.Equal(CapabilityStatementKind.Instance, statement.Kind);
        Assert.False(string.IsNullOrWhiteSpace((statement.Implementation?.DescriptionElement as FhirString)?.Value));
        Assert.EndsWith("/fhir", statement.Implementation!.Url, StringComparison.Ordinal);
        Assert.Equal("MsRelapseKnowledgeServer", statement.Name);
    }

    [Theory]
    [InlineData("demo-severe-untreated")]
    [InlineData("demo-steroid-refractory")]
    [InlineData("demo-pseudo-relapse-fever")]
    [InlineData("demo-aqp4-positive")]
    [InlineData("demo-mild-relapse")]
    [InlineData("demo-apheresis-in-progress")]
    [InlineData("demo-pediatric-relapse")]
    public async Task Apply_on_a_stored_patient_holds_the_request_group_evaluate_fhir_writes(string id)
    {
        await using var host = await TestHost.StartAsync(seedDemo: true);
        var stored = await host.Client.GetStringAsync($"/api/patients/{id}");
        using var response = await host.Client.PostAsync($"{Apply}?subject=Patient/{id}&asOf=2026-05-11", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var carePlan = Parser.Deserialize<CarePlan>(await response.Content.ReadAsStringAsync());
        var written = RecommendationFhirWriter.ToBundle(FhirEvaluation.Evaluate(stored, new DateOnly(2026, 5, 11)).Recommendation!);
        AssertSameRequests(written, carePlan);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Apply_with_a_bundle_parameter_holds_the_request_group_evaluate_fhir_writes(string example)
    {
        await using var host = await TestHost.StartAsync();
        var json = SharedExamples.Load(example);
        var parameters = new Parameters();
        parameters.Parameter.Add(new Parameters.ParameterComponent { Name = "data", Resource = Parser.Deserialize<Bundle>(json) });
        parameters.Parameter.Add(new Parameters.ParameterComponent { Name = "asOf", Value = new Date("2026-05-11") });
        using var response = await host.Client.PostAsync(Apply, new StringContent(Serializer.SerializeToString(parameters), Encoding.UTF8, "application/fhir+json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var carePlan = Parser.Deserialize<CarePlan>(await response.Content.ReadAsStringAsync());
        var written = RecommendationFhirWriter.ToBundle(FhirEvaluation.Evaluate(json, SharedExamples.AsOf).Recommendation!);
        AssertSameRequests(written, carePlan);
    }

    public static TheoryData<string> Examples() => [.. SharedExamples.Names];

    [Theory]
    [InlineData("subject=Patient/nobody", null, HttpStatusCode.NotFound)]
    [InlineData("", null, HttpStatusCode.BadRequest)]
    [InlineData("subject=Observation/1", null, HttpStatusCode.BadRequest)]
    [InlineData("subject=Patient/x&asOf=yesterday", null, HttpStatusCode.BadRequest)]
    [InlineData("", "{not json", HttpStatusCode.BadRequest)]
    [InlineData("", "{\"resourceType\":\"Patient\"}", HttpStatusCode.BadRequest)]
    public async Task Bad_apply_requests_are_operation_outcomes_never_500(string query, string? body, HttpStatusCode status)
    {
        await using var host = await TestHost.StartAsync();
        using var content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/fhir+json");
        using var response = await host.Client.PostAsync($"{Apply}?{query}", content);
        Assert.Equal(status, response.StatusCode);
        Assert.IsType<OperationOutcome>(Parser.Deserialize<Resource>(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_record_the_engine_refuses_gives_a_care_plan_holding_the_operation_outcome()
    {
        await using var host = await TestHost.StartAsync();
        var bundle = Parser.Deserialize<Bundle>("""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"a"}},{"resource":{"resourceType":"Patient","id":"b"}}]}""");
        var parameters = new Parameters();
        parameters.Parameter.Add(new Parameters.ParameterComponent { Name = "data", Resource = bundle });
        using var response = await host.Client.PostAsync(Apply, new StringContent(Serializer.SerializeToString(parameters), Encoding.UTF8, "application/fhir+json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var carePlan = Parser.Deserialize<CarePlan>(await response.Content.ReadAsStringAsync());
        Assert.IsType<OperationOutcome>(Assert.Single(carePlan.Contained));
    }

    /// <summary>Every resource of the writer's Bundle but the CarePlan (the Provenance included) is contained, identical once urn:uuid references read as local ones.</summary>
    private static void AssertSameRequests(Bundle written, CarePlan carePlan)
    {
        var expected = written.Entry.Select(e => e.Resource!).Where(r => r is not CarePlan).ToList();
        var writtenPlanId = written.Entry.Select(e => e.Resource).OfType<CarePlan>().Single().Id;
        Assert.Contains(expected, r => r is RequestGroup);
        Assert.Contains(expected, r => r is Provenance);
        Assert.Equal(expected.Count, carePlan.Contained.Count);
        Assert.Equal(carePlan.Contained.Count, carePlan.Contained.Select(r => r.Id).Distinct().Count());
        foreach (var resource in expected)
        {
            var contained = carePlan.Contained.Single(r => r.Id == resource.Id && r.TypeName == resource.TypeName);
            var expectedJson = Serializer.SerializeToString(resource)
                .Replace($"\"urn:uuid:{writtenPlanId}\"", "\"#\"", StringComparison.Ordinal)
                .Replace("\"urn:uuid:", "\"#", StringComparison.Ordinal);
            Assert.Equal(expectedJson, Serializer.SerializeToString(contained));
        }
    }
}
