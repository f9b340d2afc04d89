using System.Text.RegularExpressions;
using MsRelapse.Core.Evidence;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>The embedded evidence table.</summary>
public sealed partial class KnowledgeBaseTests
{
    // The evidence ids of clinical.md, knowledge base 2026.1.
    private static readonly string[] SpecIds =
    [
        "E-NICE-2022", "E-COPOUSEP-2015", "E-MENACTRIMS-2023", "E-SEVERITY-2019", "E-STOPPE-2017", "E-WEINSHENKER-1999", "E-AAN-2011",
        "E-ASFA-2023", "E-PFEUFFER-2020", "E-BLECHINGER-2021", "E-MAGANA-2011", "E-LLUFRIU-2009", "E-IA-DORST-2019", "E-IVIG-2004",
        "E-NEMOS-2016", "E-IPND-2015", "E-MOGAD-2023", "E-GALEA-2015", "E-OWEN-1994", "E-WODAJO-2024", "E-NADLER-1962", "E-KAPLAN-1990",
        "E-REVERBERI-2007", "E-PEDS-2021", "E-BOZ-2018", "E-KURTZKE-1983",
        "E-KEEGAN-2002", "E-EHLER-2015", "E-MARRODAN-2025", // 2026.2
    ];

    [Fact]
    public void The_table_holds_every_evidence_id_of_the_specification_and_nothing_else()
    {
        var kb = KnowledgeBase.Current;
        Assert.Equal("2026.2", kb.Version);
        Assert.Equal(SpecIds.Order(StringComparer.Ordinal), kb.Entries.Keys);
        foreach (var e in kb.Entries.Values)
        {
            Assert.Matches(IdPattern(), e.Id);
            Assert.False(string.IsNullOrWhiteSpace(e.Citation));
            Assert.False(string.IsNullOrWhiteSpace(e.Grade));
            Assert.InRange(e.Year, 1960, 2026);
        }
    }

    [Fact]
    public void Graded_entries_carry_their_level()
    {
        Assert.Contains("Level B", KnowledgeBase.Current.Get("E-AAN-2011").Grade, StringComparison.Ordinal);
        Assert.Contains("category II", KnowledgeBase.Current.Get("E-ASFA-2023").Grade, StringComparison.Ordinal);
        Assert.Equal("not graded", KnowledgeBase.Current.Get("E-NADLER-1962").Grade);
    }

    [GeneratedRegex("^E-[A-Z0-9-]+$")]
    private static partial Regex IdPattern();
}
