using System.Net;
using System.Text;
using MsRelapse.Core.Contract;
using MsRelapse.Fhir;
using MsRelapse.Testing;

namespace MsRelapse.Server.Tests;

/// <summary>
/// POST /api/evaluate keeps the body in UTF-8 from the socket to the FHIR reader and writes the document as UTF-8
/// bytes: whatever the framing of the body (announced length, chunked, byte-order mark) the answer is the bytes
/// the library's text serialisation gives, plus the CLI's newline.
/// </summary>
public sealed class EvaluateBodyTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => host = await TestHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    public static TheoryData<string> Examples() => [.. SharedExamples.Names];

    private static byte[] Expected(string bundle)
    {
        var outcome = FhirEvaluation.Evaluate(bundle, SharedExamples.AsOf);
        Assert.NotNull(outcome.Recommendation);
        return Encoding.UTF8.GetBytes(RecommendationJson.Serialize(outcome.Recommendation!) + "\n");
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task A_chunked_body_with_a_byte_order_mark_gets_the_same_bytes_as_the_text_path(string example)
    {
        var bundle = SharedExamples.Load(example);
        byte[] body = [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(bundle)];
        // StreamContent over a non-seekable stream: no Content-Length, the server reads until the end.
        using var content = new StreamContent(new NonSeekable(body));
        content.Headers.ContentType = new("application/fhir+json");
        using var response = await host.Client.PostAsync("/api/evaluate?asOf=2026-05-11", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Expected(bundle), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Non_ASCII_text_in_the_body_is_read_as_the_text_path_reads_it()
    {
        // A patient name with accents and a non-BMP character: the byte entry must see the same text.
        var bundle = SharedExamples.Load("severe-relapse-untreated")
            .Replace("\"resourceType\": \"Patient\",", "\"resourceType\": \"Patient\", \"name\": [{\"family\": \"Müller-Čapek 🧠\"}],", StringComparison.Ordinal);
        var utf8 = Encoding.UTF8.GetBytes(bundle);
        Assert.True(utf8.Length > bundle.Length, "the test bundle must contain non-ASCII text");
        Assert.Equal(FhirRecordReader.Read(bundle).Record, FhirRecordReader.Read(utf8).Record, RecordComparer.Instance);

        using var response = await host.Client.PostAsync("/api/evaluate?asOf=2026-05-11", TestHost.Fhir(bundle));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Expected(bundle), await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    [InlineData("\u00a0")]
    [InlineData("{\"resourceType\": \"Patient\", \"id\": \"p\"}")]
    [InlineData("[1, 2]")]
    [InlineData("{\"resourceType\": \"Bundle\", \"entry\": 3}")]
    public void The_byte_entry_of_the_reader_reports_what_the_text_entry_reports(string input)
    {
        var fromText = FhirRecordReader.Read(input);
        var fromBytes = FhirRecordReader.Read(Encoding.UTF8.GetBytes(input));
        Assert.NotEmpty(fromText.Errors);
        Assert.Equal(fromText.Errors.Select(e => (e.Code, e.Message)), fromBytes.Errors.Select(e => (e.Code, e.Message)));
        Assert.Equal(fromText.Record is null, fromBytes.Record is null);
    }

    /// <summary>Records are compared through their contract output at one date (the record types hold arrays).</summary>
    private sealed class RecordComparer : IEqualityComparer<Core.Model.PatientRecord?>
    {
        public static readonly RecordComparer Instance = new();

        public bool Equals(Core.Model.PatientRecord? x, Core.Model.PatientRecord? y) =>
            x is not null && y is not null && Text(x) == Text(y);

        public int GetHashCode(Core.Model.PatientRecord? obj) => 0;

        private static string Text(Core.Model.PatientRecord r) =>
            RecommendationJson.Serialize(Core.Pathway.PathwayEngine.Evaluate(r, SharedExamples.AsOf).Recommendation!);
    }

    private sealed class NonSeekable(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
