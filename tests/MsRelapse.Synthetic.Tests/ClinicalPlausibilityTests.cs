using System.Globalization;
using System.Text.Json;
using MsRelapse.Synthetic;

namespace MsRelapse.Synthetic.Tests;

/// <summary>
/// Property tests over exported cohorts: the histories are clinically possible (disease before the export, children's
/// steroid doses, nothing after death, pregnancies at child-bearing age, relapses kept apart, nothing before birth,
/// heights missing per patient as the parameter says).
/// </summary>
public sealed class ClinicalPlausibilityTests
{
    private static readonly CohortParameters P = CohortParameters.Default;

    /// <summary>The default mix.</summary>
    private static readonly Lazy<Cohort> Default = new(() => Cohort.Export(2_000, 3, P));

    /// <summary>Many children and many deaths, so that their rules are exercised in a small cohort.</summary>
    private static readonly Lazy<Cohort> Boosted = new(() => Cohort.Export(1_500, 3, P with { ChildShare = 0.3, DeceasedShare = 0.2 }));

    /// <summary>Young adults with every comorbidity: dates drawn years into the past meet the birth date.</summary>
    private static readonly Lazy<Cohort> Young = new(() => Cohort.Export(1_000, 3, P with
    {
        AdultAgeMeanYears = 19, AdultAgeSdYears = 2, ChildShare = 0.2, PsychiatricShare = 1, DiabetesShare = 0.5, PepticUlcerShare = 0.5,
        AceInhibitorShareByAge = [0.5, 0.5], SteroidAllergyShare = 0.2, AntibodyTestedShare = 1,
    }));

    private static readonly HashSet<string> DiagnosisCodes = ["426373005", "24700007", "425500002", "428700003", "G35.A", "G35"];

    [Fact]
    public void Almost_no_patient_has_had_the_disease_for_less_than_30_days()
    {
        var c = Default.Value;
        var durations = c.Patients.Select(pt =>
        {
            var diagnosis = pt.Resources.Where(r => Type(r) == "Condition" && Code(r) is { } code && DiagnosisCodes.Contains(code))
                .Select(r => DateOf(r, "onsetDateTime")).Single();
            return pt.End.DayNumber - diagnosis!.Value.DayNumber;
        }).ToList();

        var short30 = durations.Count(d => d < 30);
        Assert.True(short30 <= c.Patients.Count / 100, $"{short30} of {c.Patients.Count} patients have had MS for under 30 days");
    }

    [Fact]
    public void A_child_never_gets_more_than_30_mg_per_kg_or_1000_mg_of_steroid_a_day()
    {
        var c = Boosted.Value;
        var childDoses = 0;
        var childSecondPulses = 0;
        foreach (var pt in c.Patients)
        {
            var adultFrom = pt.BirthDate.AddYears(18);
            var weight = c.Truth[pt.Id].WeightKg;
            foreach (var r in pt.Resources)
            {
                var (date, dose) = Type(r) switch
                {
                    "MedicationAdministration" => (DateOf(r, "effectiveDateTime"), Number(r, "dosage", "dose", "value")),
                    "MedicationRequest" when r.TryGetProperty("dosageInstruction", out var di) => (
                        Parse(di[0].GetProperty("timing").GetProperty("repeat").GetProperty("boundsPeriod").GetProperty("start").GetString()),
                        (double?)di[0].GetProperty("doseAndRate")[0].GetProperty("doseQuantity").GetProperty("value").GetDouble()),
                    _ => (null, null),
                };
                if (date is not { } d || dose is not { } mg || d >= adultFrom)
                {
                    continue;
                }

                childDoses++;
                Assert.True(mg <= P.ChildMethylprednisoloneMaxMgPerDay, $"patient {pt.Id}: {mg} mg/day on {d} at under 18");
                Assert.True(mg <= (P.ChildMethylprednisoloneMgPerKg * weight) + 1e-9, $"patient {pt.Id}: {mg} mg/day for {weight:F1} kg ({mg / weight:F1} mg/kg) at under 18");
            }

            childSecondPulses += c.Truth[pt.Id].Attacks.Count(a => a.Escalation == SynthEscalation.EscalatedSteroids && a.EscalationReviewDate < adultFrom);
        }

        Assert.True(childDoses > 100, $"only {childDoses} children's doses");
        Assert.True(childSecondPulses > 3, $"only {childSecondPulses} children's second pulses");
    }

    [Fact]
    public void Nothing_of_a_deceased_patient_is_dated_after_death()
    {
        var c = Boosted.Value;
        var deceased = c.Patients.Where(pt => pt.Death is not null).ToList();
        Assert.True(deceased.Count > 150, $"only {deceased.Count} deceased patients");
        var late = new List<string>();
        foreach (var pt in deceased)
        {
            foreach (var r in pt.Resources.Where(r => Type(r) != "Patient"))
            {
                foreach (var (path, date) in Dates(r, string.Empty))
                {
                    // The planned end of a course cut short by death is the plan, not an event.
                    if (date > pt.Death && !path.EndsWith("boundsPeriod.end", StringComparison.Ordinal))
                    {
                        late.Add($"{pt.Id} {Type(r)}{path} {date} (died {pt.Death})");
                    }
                }
            }
        }

        Assert.True(late.Count == 0, string.Join("\n", late.Take(10)));
        Assert.All(c.Truth.Values.Where(s => s.Deceased), s => Assert.All(s.Attacks, a => Assert.True(a.Onset <= s.DeathDate)));
    }

    [Fact]
    public void Pregnancies_begin_at_child_bearing_age()
    {
        var c = Default.Value;
        var ages = new List<double>();
        foreach (var pt in c.Patients)
        {
            foreach (var r in pt.Resources)
            {
                var onset = Type(r) switch
                {
                    "Condition" when Code(r) is "77386006" or "72892002" => DateOf(r, "onsetDateTime"),
                    "Observation" when Code(r) == "82810-3" => DateOf(r, "effectiveDateTime"),
                    _ => null,
                };
                if (onset is { } o)
                {
                    var age = (o.DayNumber - pt.BirthDate.DayNumber) / 365.25;
                    ages.Add(age);
                    Assert.True(age is >= 15 and <= 50, $"patient {pt.Id}: pregnancy at {age:F1} years");
                }
            }
        }

        Assert.True(ages.Count > 20, $"only {ages.Count} pregnancies");
    }

    [Fact]
    public void Relapses_are_kept_apart_and_their_EDSS_assessments_never_interleave()
    {
        foreach (var c in new[] { Default.Value, Boosted.Value })
        {
            var pairs = 0;
            foreach (var pt in c.Patients)
            {
                var attacks = c.Truth[pt.Id].Attacks;
                for (var i = 1; i < attacks.Count; i++)
                {
                    pairs++;
                    Assert.True(attacks[i].Onset.DayNumber - attacks[i - 1].Onset.DayNumber >= P.MinimumDaysBetweenRelapseOnsets,
                        $"patient {pt.Id}: onsets {attacks[i - 1].Onset} and {attacks[i].Onset}");
                }

                // As exported: relapse Conditions (not entered-in-error) at least 30 days apart.
                var onsets = pt.Resources.Where(r => Type(r) == "Condition" && Code(r) == "192929006" && Verification(r) == "confirmed")
                    .Select(r => DateOf(r, "onsetDateTime")!.Value).Order().ToList();
                for (var i = 1; i < onsets.Count; i++)
                {
                    Assert.True(onsets[i].DayNumber - onsets[i - 1].DayNumber >= 30, $"patient {pt.Id}: relapses {onsets[i - 1]} and {onsets[i]}");
                }

                // EDSS assessments in date order: each lies in at most one attack's span (onset to settled), and the
                // attacks they belong to never go back.
                var edss = pt.Resources.Where(r => Type(r) == "Observation" && Code(r) is "273554001" or "edss" && r.GetProperty("status").GetString() == "final")
                    .Select(r => DateOf(r, "effectiveDateTime")).OfType<DateOnly>().Order().ToList();
                var last = -1;
                foreach (var date in edss)
                {
                    var owners = Enumerable.Range(0, attacks.Count).Where(i => attacks[i].Onset <= date && date <= attacks[i].Settled).ToList();
                    Assert.True(owners.Count <= 1, $"patient {pt.Id}: EDSS of {date} lies in {owners.Count} attacks");
                    if (owners.Count == 1)
                    {
                        Assert.True(owners[0] >= last, $"patient {pt.Id}: EDSS of {date} belongs to attack {owners[0]} after attack {last}");
                        last = owners[0];
                    }
                }
            }

            Assert.True(pairs > 100, $"only {pairs} consecutive attacks");
        }
    }

    [Fact]
    public void Nothing_is_dated_before_birth()
    {
        foreach (var c in new[] { Default.Value, Boosted.Value, Young.Value })
        {
            foreach (var pt in c.Patients)
            {
                foreach (var r in pt.Resources.Where(r => Type(r) != "Patient"))
                {
                    foreach (var (path, date) in Dates(r, string.Empty))
                    {
                        Assert.True(date >= pt.BirthDate, $"patient {pt.Id}: {Type(r)}{path} {date} before birth {pt.BirthDate}");
                    }
                }
            }
        }
    }

    [Fact]
    public void The_share_of_patients_never_measured_for_height_is_the_parameter()
    {
        var c = Default.Value;
        var none = c.Patients.Count(pt => !pt.Resources.Any(r => Type(r) == "Observation" && Code(r) == "8302-2"));
        var n = c.Patients.Count;
        var expected = P.HeightNeverRecordedShare;
        var se = Math.Sqrt(expected * (1 - expected) / n);
        Assert.True(Math.Abs(((double)none / n) - expected) <= 4 * se, $"{none} of {n} patients without a height; {expected:P0} expected");
    }

    // ---- Reading the export ------------------------------------------------------------------------------------

    private static string Type(JsonElement r) => r.GetProperty("resourceType").GetString()!;

    private static string? Code(JsonElement r) =>
        r.TryGetProperty("code", out var code) && code.TryGetProperty("coding", out var coding) ? coding[0].GetProperty("code").GetString() : null;

    private static string? Verification(JsonElement r) =>
        r.TryGetProperty("verificationStatus", out var v) ? v.GetProperty("coding")[0].GetProperty("code").GetString() : null;

    private static DateOnly? DateOf(JsonElement r, string property) =>
        r.TryGetProperty(property, out var v) ? Parse(v.GetString()) : null;

    private static double? Number(JsonElement r, params string[] path)
    {
        var e = r;
        foreach (var name in path)
        {
            if (!e.TryGetProperty(name, out e))
            {
                return null;
            }
        }

        return e.GetDouble();
    }

    private static DateOnly? Parse(string? s) =>
        s is { Length: >= 10 } && s[4] == '-' && s[7] == '-' && DateOnly.TryParseExact(s[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private static IEnumerable<(string Path, DateOnly Date)> Dates(JsonElement e, string path)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in e.EnumerateObject())
                {
                    foreach (var d in Dates(property.Value, path + "." + property.Name))
                    {
                        yield return d;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    foreach (var d in Dates(item, path))
                    {
                        yield return d;
                    }
                }

                break;
            case JsonValueKind.String when Parse(e.GetString()) is { } date:
                yield return (path, date);
                break;
        }
    }

    private sealed record ExportedPatient(string Id, DateOnly BirthDate, DateOnly? Death, List<JsonElement> Resources)
    {
        /// <summary>The end of the history: death, else the export date.</summary>
        public DateOnly End => Death ?? Export.AsOf;
    }

    private sealed record Cohort(List<ExportedPatient> Patients, Dictionary<string, PatientSummary> Truth)
    {
        public static Cohort Export(int patients, long seed, CohortParameters parameters)
        {
            using var folder = new TempFolder();
            Tests.Export.Generate(folder.Path, patients, seed, parameters);
            var truth = CohortGenerator.Summaries(parameters, seed, Tests.Export.AsOf, 0, patients).ToDictionary(s => s.Id);
            var (byPatient, _) = Tests.Export.Group(folder.Path);
            var list = new List<ExportedPatient>();
            foreach (var (id, lines) in byPatient)
            {
                var resources = lines.Select(l =>
                {
                    using var doc = JsonDocument.Parse(l);
                    return doc.RootElement.Clone();
                }).ToList();
                var patient = resources.Single(r => Type(r) == "Patient");
                list.Add(new ExportedPatient(id, DateOf(patient, "birthDate")!.Value, DateOf(patient, "deceasedDateTime"), resources));
            }

            Assert.Equal(patients, list.Count);
            return new Cohort(list, truth);
        }
    }
}
