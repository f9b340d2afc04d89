using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using MsRelapse.Core.Edss;

namespace MsRelapse.Knowledge.Tests;

/// <summary>
/// The book's functional-system step table (clinical.md, section EDSS) is the calculator's: every row the calculator
/// computes with is rendered, in order, and the row the book shows for a set of scores is the row the calculator used.
/// </summary>
public sealed partial class PathwayBookTests
{
    [Fact]
    public void Book_renders_every_row_of_the_calculators_fs_step_table_in_order()
    {
        var edss = Section(Html.Value, "edss");
        var table = edss[edss.IndexOf("<h4>Functional systems → EDSS step</h4>", StringComparison.Ordinal)..];
        var rendered = FsStepRow().Matches(table).Select(m => (Condition: m.Groups["condition"].Value, Meaning: m.Groups["meaning"].Value, Step: m.Groups["step"].Value)).ToList();

        Assert.Equal(22, FunctionalSystemStepTable.Rows.Length);
        Assert.Equal(FunctionalSystemStepTable.Rows.Length, rendered.Count);
        foreach (var (row, html) in FunctionalSystemStepTable.Rows.Zip(rendered))
        {
            Assert.Equal(WebUtility.HtmlEncode(row.Condition), html.Condition);
            Assert.StartsWith(WebUtility.HtmlEncode(row.Meaning), html.Meaning, StringComparison.Ordinal);
            Assert.Equal(row.Choice is not null, html.Meaning.Contains("<span class=\"choice\">choice</span>", StringComparison.Ordinal));
            Assert.Equal(row.Step.ToString("0.0", CultureInfo.InvariantCulture), html.Step);
        }
    }

    // Every valid set of the seven raw FS (ambulation 0, so the FS decide): exactly one row applies to its counts, and it
    // is the row, with the step, that the calculator reports. The rows state every count, so their order cannot matter.
    [Fact]
    public void Exactly_one_row_applies_to_every_set_of_scores_and_it_is_the_calculators()
    {
        var checkedCount = 0;
        for (var visual = 0; visual <= 6; visual++)
        for (var brainstem = 0; brainstem <= 5; brainstem++)
        for (var pyramidal = 0; pyramidal <= 6; pyramidal++)
        for (var cerebellar = 0; cerebellar <= 5; cerebellar++)
        for (var sensory = 0; sensory <= 6; sensory++)
        for (var bowelBladder = 0; bowelBladder <= 6; bowelBladder++)
        for (var cerebral = 0; cerebral <= 5; cerebral++)
        {
            var result = EdssCalculator.Calculate(new FunctionalSystemScores(visual, brainstem, pyramidal, cerebellar, sensory, bowelBladder, cerebral, 0));
            var applying = FunctionalSystemStepTable.Rows.Where(r => r.AppliesTo(result.Counts)).ToList();
            if (applying.Count != 1 || result.FunctionalSystemRule != Rule(applying[0]) || result.Edss.Value != applying[0].Step)
            {
                Assert.Fail($"{result.Counts}: rows {string.Join("; ", applying.Select(Rule))}, calculator {result.FunctionalSystemRule} (EDSS {result.Edss})");
            }

            checkedCount++;
        }

        Assert.Equal(7 * 6 * 7 * 6 * 7 * 7 * 6, checkedCount);
    }

    // Worked examples of clinical.md, section EDSS: "n4 = 1: … n3 = 0 and n2 ≥ 1 → 4.5" (a choice: some calculators say
    // 4.0), and visual 3 → 2, bowel-bladder 4 → 3 with "n3 = 1 → … 3.5 if n2 = 1–2". The calculator and the book's row agree.
    [Theory]
    [InlineData(0, 0, 4, 0, 2, 0, 0, "n4=1,n3=0,n2>=1", 4.5, true)]
    [InlineData(3, 0, 0, 0, 0, 4, 0, "n4=0,n3=1,n2=1-2", 3.5, false)]
    [InlineData(0, 0, 0, 0, 0, 0, 1, "n1=0", 0, false)]
    public void A_worked_example_of_clinical_md_is_the_books_row(
        int visual, int brainstem, int pyramidal, int cerebellar, int sensory, int bowelBladder, int cerebral, string condition, double edss, bool choice)
    {
        var result = EdssCalculator.Calculate(new FunctionalSystemScores(visual, brainstem, pyramidal, cerebellar, sensory, bowelBladder, cerebral, 0));
        Assert.Equal(edss, result.Edss.Value);
        Assert.Equal($"{condition} → {edss.ToString("0.0", CultureInfo.InvariantCulture)}", result.FunctionalSystemRule);

        var row = FunctionalSystemStepTable.Rows.Single(r => r.Condition == condition);
        Assert.Equal(choice, row.Choice is not null);
        var rendered = FsStepRow().Matches(Section(Html.Value, "edss")).Single(m => m.Groups["condition"].Value == WebUtility.HtmlEncode(condition));
        Assert.Equal(edss.ToString("0.0", CultureInfo.InvariantCulture), rendered.Groups["step"].Value);
    }

    private static string Rule(FunctionalSystemStepRow row) => $"{row.Condition} → {row.Step.ToString("0.0", CultureInfo.InvariantCulture)}";

    [GeneratedRegex("<tr><td><code>(?<condition>[^<]*)</code></td><td>(?<meaning>.*?)</td><td class=\"num\">(?<step>[0-9.]+)</td></tr>")]
    private static partial Regex FsStepRow();
}
