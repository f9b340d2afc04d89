using MsRelapse.Fhir;
using MsRelapse.Synthetic;

namespace MsRelapse.Synthetic.Tests;

/// <summary>
/// Every generated patient reads with the project's FHIR reader (Firely) and passes R0 — except the patients spoiled on
/// purpose, which must be refused with the expected error; malformed lines are exactly those planned.
/// </summary>
public sealed class ReaderTests
{
    [Fact]
    public void Every_patient_reads_and_evaluates_without_error_except_the_deliberately_spoiled_ones()
    {
        // Defects boosted so that every kind occurs in a small cohort.
        var parameters = CohortParameters.Default with { InvalidRecordShare = 0.03, MalformedLineShare = 0.03, EnteredInErrorShare = 0.1 };
        using var folder = new TempFolder();
        Export.Generate(folder.Path, 600, seed: 21, parameters);
        var truth = CohortGenerator.Summaries(parameters, 21, Export.AsOf, 0, 600).ToDictionary(s => s.Id);
        var (byPatient, malformed) = Export.Group(folder.Path);

        Assert.Equal(600, byPatient.Count);
        Assert.Equal(truth.Values.Count(s => s.MalformedLine), malformed);
        Assert.Contains(truth.Values, s => s.Defect == SynthDefect.HematocritFractionAsPercent);
        Assert.Contains(truth.Values, s => s.Defect == SynthDefect.ImpossibleEdss);
        Assert.Contains(truth.Values, s => s.Defect == SynthDefect.InvalidDate);

        var statuses = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (id, lines) in byPatient)
        {
            var outcome = FhirEvaluation.Evaluate(Export.Bundle(lines), Export.AsOf);
            var planned = truth[id];
            if (planned.Defect == SynthDefect.None)
            {
                Assert.True(outcome.IsValid, $"patient {id}: {string.Join("; ", outcome.Errors.Select(e => $"{e.Code} {e.Source} {e.Message}"))}");
                var status = MsRelapse.Core.Pathway.WireNames.Of(outcome.Recommendation!.Episode.Status);
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
            }
            else
            {
                Assert.False(outcome.IsValid, $"patient {id} was spoiled ({planned.Defect}) but was accepted");
                var expected = planned.Defect switch
                {
                    SynthDefect.InvalidDate => FhirErrorCodes.InvalidValue,
                    _ => null,
                };
                if (expected is not null)
                {
                    Assert.Contains(outcome.Errors, e => e.Code == expected);
                }
            }
        }

        // The cohort is an MS service's list: most patients have no current episode, some have a relapse.
        Assert.True(statuses.GetValueOrDefault("no-episode") > 300, string.Join(", ", statuses));
        Assert.True(statuses.GetValueOrDefault("relapse") > 5, string.Join(", ", statuses));
    }
}
