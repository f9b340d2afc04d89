using System.Text;
using MsRelapse.Fuzzing;
using MsRelapse.Screening;
using MsRelapse.Server.CdsHooks;
using MsRelapse.Testing;

namespace MsRelapse.Fuzzing.Tests;

/// <summary>
/// The seeds of the ndjson and cds-request targets reach the deep paths (a fuzzer seeded only with refusals would
/// fuzz the refusals), and the findings of the first runs stay fixed with the answer the service gives.
/// </summary>
public sealed class FuzzTargetSeedTests
{
    [Theory]
    [InlineData("patient-view-example-severe-relapse-untreated.txt", 200, null)]
    [InlineData("patient-view-example-steroid-refractory-relapse.txt", 200, null)]
    [InlineData("order-sign.txt", 200, null)]
    [InlineData("order-select.txt", 200, null)]
    [InlineData("prefetch-nulls.txt", 200, null)]
    [InlineData("no-prefetch-fhir-server.txt", 412, "prefetch-unavailable")]
    [InlineData("other-patient.txt", 400, "other-patient")]
    [InlineData("wrong-hook.txt", 400, "wrong-hook")]
    [InlineData("unknown-service.txt", 404, "unknown-service")]
    [InlineData("not-json.txt", 400, "invalid-request")]
    public void A_cds_seed_gets_the_answer_of_the_endpoint(string seed, int status, string? code)
    {
        var result = Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Root, "fuzz", "corpus", "cds-request", seed)));
        Assert.Equal((status, code), (result.Status, result.Code));
        if (status == 200)
        {
            Assert.NotNull(result.BundleUtf8);
        }
    }

    [Theory]
    [InlineData("order-sign.txt")]
    [InlineData("order-select.txt")]
    public void The_order_seeds_carry_their_draft_order(string seed) => Assert.Equal(1, Parse(Seed(seed)).DraftOrders);

    [Theory]
    [InlineData("\"hookInstance\":\"\\ud800\"")]
    [InlineData("\"hookInstance\":\"a\",\"hookInstance\":\"b\"")]
    public void A_request_with_a_lone_surrogate_or_a_repeated_key_is_refused_as_invalid(string member)
    {
        var body = $"{{{member},\"hook\":\"patient-view\",\"context\":{{\"patientId\":\"p1\"}},\"prefetch\":{{\"patient\":{{\"resourceType\":\"Patient\",\"id\":\"p1\"}},\"conditions\":null}}}}";
        var result = CdsRequestParsing.Parse("msrelapse-patient-view", Encoding.UTF8.GetBytes(body));
        Assert.Equal((400, "invalid-request"), (result.Status, result.Code));
    }

    [Fact]
    public void Invalid_utf8_in_a_request_string_is_refused_not_thrown()
    {
        var body = Encoding.UTF8.GetBytes("{\"hookInstance\":\"a\",\"hook\":\"patient-view\",\"context\":{\"patientId\":\"p\u00ff\"}}");
        body[Array.IndexOf(body, (byte)0xC3)] = 0xFF; // the encoder wrote ÿ as C3 BF: make it a lone invalid byte pair
        var result = CdsRequestParsing.Parse("msrelapse-patient-view", body);
        Assert.Equal((400, "invalid-request"), (result.Status, result.Code));
    }

    [Theory]
    [InlineData("\"id\":\"\\ud800\"")]
    [InlineData("\"id\":\"p\u00ff\"")]
    public void An_ndjson_line_whose_routed_string_is_not_text_is_malformed_not_a_crash(string idMember)
    {
        var line = Encoding.UTF8.GetBytes($"{{\"resourceType\":\"Patient\",{idMember}}}");
        if (Array.IndexOf(line, (byte)0xC3) is var at and >= 0)
        {
            line[at] = 0xFF;
        }

        Assert.Equal((null, null, MalformedReasons.NotJson), ExportPartitionerRoute(line));
        FuzzTargets.Ndjson([.. line, (byte)'\n', .. line]);
    }

    private static (string?, string?, string?) ExportPartitionerRoute(byte[] line)
    {
        // ExportPartitioner.Route is internal: observed through a one-file split.
        var root = Path.Combine(Path.GetTempPath(), $"msrelapse-route-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            File.WriteAllBytes(Path.Combine(root, "Patient.ndjson"), line);
            var split = ExportPartitioner.Partition(root, Path.Combine(root, "work"), 1, compactObservations: true, maxWorkers: 1);
            return split.Malformed.Length == 1 ? (null, null, split.Malformed[0].Reason) : ("routed", null, null);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static byte[] Seed(string name) => File.ReadAllBytes(Path.Combine(RepoPaths.Root, "fuzz", "corpus", "cds-request", name));

    private static CdsParseResult Parse(byte[] input)
    {
        var newline = Array.IndexOf(input, (byte)'\n');
        return CdsRequestParsing.Parse(Encoding.UTF8.GetString(input, 0, newline), input[(newline + 1)..]);
    }
}
