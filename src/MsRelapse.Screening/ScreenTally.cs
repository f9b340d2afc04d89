using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MsRelapse.Screening;

/// <summary>The counts of a screen (or of part of one): they add up across partitions.</summary>
public sealed class ScreenTally
{
    /// <summary>Patients screened (rows).</summary>
    public long Patients { get; set; }

    /// <summary>Patients needing action now (<see cref="PatientRow.NeedsActionNow"/>): the report's worklist.</summary>
    public long NeedingActionNow { get; set; }

    /// <summary>Resources read.</summary>
    public long Resources { get; set; }

    /// <summary>Bytes of the resources read.</summary>
    public long Bytes { get; set; }

    /// <summary>Patients by episode status.</summary>
    public SortedDictionary<string, long> ByStatus { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Patients by primary action.</summary>
    public SortedDictionary<string, long> ByPrimaryAction { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Patients by urgency.</summary>
    public SortedDictionary<string, long> ByUrgency { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Patients by steroid response.</summary>
    public SortedDictionary<string, long> BySteroidResponse { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Patients by primary action, then by episode status: the actions by status of the report.</summary>
    public SortedDictionary<string, SortedDictionary<string, long>> ByPrimaryActionAndStatus { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Patients by flag (a patient counts once per flag).</summary>
    public SortedDictionary<string, long> ByFlag { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Rejected records by error code.</summary>
    public SortedDictionary<string, long> RejectedByReason { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Patients with a medication resource that names a Medication the export does not hold
    /// (<see cref="PatientRow.UnresolvedMedications"/>): a Bulk Data <c>Patient/$export</c> often leaves Medication out.
    /// </summary>
    public long PatientsWithUnresolvedMedications { get; set; }

    /// <summary>Medication resources that name a Medication the export does not hold, over all patients.</summary>
    public long UnresolvedMedications { get; set; }

    /// <summary>Patients with an administration or order given whose drug is such a Medication and nothing else identifies.</summary>
    public long PatientsWithUnresolvedPossibleSteroidCourses { get; set; }

    /// <summary>Administrations and orders given whose drug is such a Medication and nothing else identifies: steroid courses perhaps not counted.</summary>
    public long UnresolvedPossibleSteroidCourses { get; set; }

    /// <summary>Days from steroid failure to apheresis → patients (a histogram: bounded whatever the cohort).</summary>
    public SortedDictionary<int, long> SteroidFailureToApheresisDays { get; init; } = [];

    /// <summary>
    /// The same histogram for each calendar quarter of the attack's onset (<c>2026-Q1</c>): whether escalation is getting
    /// faster, the question a governance meeting asks of it.
    /// </summary>
    public SortedDictionary<string, SortedDictionary<int, long>> SteroidFailureToApheresisDaysByOnsetQuarter { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The counts of one partition's result.</summary>
    public static ScreenTally Of(PartitionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var t = new ScreenTally { Resources = result.Resources, Bytes = result.Bytes };
        foreach (var row in result.Rows)
        {
            t.Patients++;

            // Before the rejections: an unresolved Medication is a fact about the export, whatever the pathway made of it.
            if (row.UnresolvedMedications > 0)
            {
                t.PatientsWithUnresolvedMedications++;
                t.UnresolvedMedications += row.UnresolvedMedications;
            }

            if (row.UnresolvedPossibleSteroidCourses > 0)
            {
                t.PatientsWithUnresolvedPossibleSteroidCourses++;
                t.UnresolvedPossibleSteroidCourses += row.UnresolvedPossibleSteroidCourses;
            }

            if (row.Error is { } error)
            {
                Increment(t.RejectedByReason, error);
                continue;
            }

            if (row.NeedsActionNow)
            {
                t.NeedingActionNow++;
            }

            Increment(t.ByStatus, row.EpisodeStatus);
            Increment(t.ByPrimaryAction, row.PrimaryAction);
            Increment(t.ByUrgency, row.Urgency);
            Increment(t.BySteroidResponse, row.SteroidResponse);
            Increment(Inner(t.ByPrimaryActionAndStatus, row.PrimaryAction, StringComparer.Ordinal), row.EpisodeStatus);
            foreach (var flag in row.Flags.Distinct())
            {
                Increment(t.ByFlag, flag);
            }

            if (row.SteroidFailureToApheresisDays is { } days)
            {
                Increment(t.SteroidFailureToApheresisDays, days);
                if (row.Onset is { } onset)
                {
                    Increment(Inner(t.SteroidFailureToApheresisDaysByOnsetQuarter, QuarterOf(onset)), days);
                }
            }
        }

        return t;
    }

    /// <summary>Adds another tally to this one.</summary>
    public void Add(ScreenTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Patients += other.Patients;
        NeedingActionNow += other.NeedingActionNow;
        Resources += other.Resources;
        Bytes += other.Bytes;
        PatientsWithUnresolvedMedications += other.PatientsWithUnresolvedMedications;
        UnresolvedMedications += other.UnresolvedMedications;
        PatientsWithUnresolvedPossibleSteroidCourses += other.PatientsWithUnresolvedPossibleSteroidCourses;
        UnresolvedPossibleSteroidCourses += other.UnresolvedPossibleSteroidCourses;
        Merge(ByStatus, other.ByStatus);
        Merge(ByPrimaryAction, other.ByPrimaryAction);
        Merge(ByUrgency, other.ByUrgency);
        Merge(BySteroidResponse, other.BySteroidResponse);
        foreach (var (action, byStatus) in other.ByPrimaryActionAndStatus)
        {
            Merge(Inner(ByPrimaryActionAndStatus, action, StringComparer.Ordinal), byStatus);
        }

        Merge(ByFlag, other.ByFlag);
        Merge(RejectedByReason, other.RejectedByReason);
        Merge(SteroidFailureToApheresisDays, other.SteroidFailureToApheresisDays);
        foreach (var (quarter, days) in other.SteroidFailureToApheresisDaysByOnsetQuarter)
        {
            Merge(Inner(SteroidFailureToApheresisDaysByOnsetQuarter, quarter), days);
        }
    }

    /// <summary>The calendar quarter of a date: <c>2026-Q2</c>.</summary>
    public static string QuarterOf(DateOnly date) => string.Create(CultureInfo.InvariantCulture, $"{date.Year:D4}-Q{((date.Month - 1) / 3) + 1}");

    private static SortedDictionary<TKey, long> Inner<TKey>(SortedDictionary<string, SortedDictionary<TKey, long>> counts, string key, IComparer<TKey>? comparer = null)
        where TKey : notnull
    {
        if (!counts.TryGetValue(key, out var inner))
        {
            inner = new(comparer);
            counts.Add(key, inner);
        }

        return inner;
    }

    private static void Increment<TKey>(SortedDictionary<TKey, long> counts, TKey key)
        where TKey : notnull => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static void Merge<TKey>(SortedDictionary<TKey, long> into, SortedDictionary<TKey, long> from)
        where TKey : notnull
    {
        foreach (var (k, v) in from)
        {
            into[k] = into.GetValueOrDefault(k) + v;
        }
    }
}

/// <summary>Median and quartiles of a distribution of days.</summary>
/// <param name="Count">Patients.</param>
/// <param name="Median">Median days (null when none).</param>
/// <param name="Q1">First quartile.</param>
/// <param name="Q3">Third quartile.</param>
public sealed record DayDistribution(long Count, double? Median, double? Q1, double? Q3)
{
    /// <summary>Interquartile range.</summary>
    public double? Iqr => Q3 - Q1;

    /// <summary>From a histogram (days → patients); quantiles by linear interpolation between order statistics (type 7).</summary>
    public static DayDistribution Of(SortedDictionary<int, long> histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var n = histogram.Values.Sum();
        return n == 0 ? new DayDistribution(0, null, null, null) : new DayDistribution(n, Quantile(0.5), Quantile(0.25), Quantile(0.75));

        double Quantile(double p)
        {
            var h = (n - 1) * p;
            var lo = (long)Math.Floor(h);
            return At(lo) + ((h - lo) * (At(Math.Min(lo + 1, n - 1)) - At(lo)));
        }

        double At(long index)
        {
            foreach (var (days, count) in histogram)
            {
                if (index < count)
                {
                    return days;
                }

                index -= count;
            }

            return histogram.Keys.Last();
        }
    }
}

/// <summary>What summary.json says.</summary>
/// <param name="AsOf">Evaluation date.</param>
/// <param name="Tally">The counts.</param>
/// <param name="Export">The split (files, bytes, malformed lines).</param>
/// <param name="Elapsed">Wall time of the screen, when known (not in summary.json: it would make the output vary).</param>
public sealed record ScreenSummary(DateOnly AsOf, ScreenTally Tally, PartitionedExport Export, TimeSpan? Elapsed)
{
    /// <summary>The summary of a finished screen.</summary>
    public static ScreenSummary Of(ScreenTally tally, PartitionedExport export, DateOnly asOf, TimeSpan? elapsed) => new(asOf, tally, export, elapsed);

    /// <summary>
    /// The line a host prints (on stderr) when patients have medications that name a Medication the export does not
    /// hold; null when none do. Says how many, and what to do about it.
    /// </summary>
    public string? UnresolvedMedicationsWarning => Tally.PatientsWithUnresolvedMedications == 0 ? null : string.Create(CultureInfo.InvariantCulture,
        $"warning: {Tally.PatientsWithUnresolvedMedications} {(Tally.PatientsWithUnresolvedMedications == 1 ? "patient has" : "patients have")} medications that name a Medication resource the export does not hold ({Tally.UnresolvedMedications} resources; {Tally.PatientsWithUnresolvedPossibleSteroidCourses} {(Tally.PatientsWithUnresolvedPossibleSteroidCourses == 1 ? "patient" : "patients")} with a drug given that nothing else identifies): steroid courses among them are not counted. Export the Medication resources too (many servers leave them out of Patient/$export; $export?_type=Medication gives them), put their files in the export folder and screen again.");

    /// <summary>Time from steroid failure to apheresis.</summary>
    public DayDistribution Escalation => DayDistribution.Of(Tally.SteroidFailureToApheresisDays);

    /// <summary>summary.json (deterministic: sorted keys, no timings).</summary>
    public string ToJson()
    {
        var e = Escalation;
        var malformed = new JsonObject();
        foreach (var (file, count) in Export.MalformedByFile)
        {
            malformed[file] = new JsonObject
            {
                ["count"] = count,
                ["lines"] = new JsonArray([.. Export.Malformed.Where(m => m.File == file).Select(m => (JsonNode)new JsonObject { ["line"] = m.Line, ["reason"] = m.Reason })]),
            };
        }

        var root = new JsonObject
        {
            ["asOf"] = AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["files"] = Export.InputFiles.Length,
            ["bytes"] = Export.Bytes,
            ["lines"] = Export.Lines,
            ["resourcesScreened"] = Tally.Resources,
            ["patients"] = Tally.Patients,
            ["needingActionNow"] = Tally.NeedingActionNow,
            ["byStatus"] = Counts(Tally.ByStatus),
            ["byPrimaryAction"] = Counts(Tally.ByPrimaryAction),
            ["byUrgency"] = Counts(Tally.ByUrgency),
            ["bySteroidResponse"] = Counts(Tally.BySteroidResponse),
            ["byPrimaryActionAndStatus"] = new JsonObject(Tally.ByPrimaryActionAndStatus.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)Counts(a.Value)))),
            ["byFlag"] = Counts(Tally.ByFlag),
            ["steroidFailureToApheresisDays"] = new JsonObject
            {
                ["definition"] = "days from the last steroid dose of the attack to the first apheresis session after it, for patients whose steroid response is inadequate",
                ["count"] = e.Count,
                ["median"] = e.Median,
                ["q1"] = e.Q1,
                ["q3"] = e.Q3,
                ["iqr"] = e.Iqr,
                ["byOnsetQuarter"] = new JsonObject(Tally.SteroidFailureToApheresisDaysByOnsetQuarter.Select(q => KeyValuePair.Create(q.Key, (JsonNode?)Quantiles(DayDistribution.Of(q.Value))))),
            },
            ["rejectedByReason"] = Counts(Tally.RejectedByReason),
            ["malformedLines"] = new JsonObject { ["total"] = Export.MalformedByFile.Values.Sum(), ["byFile"] = malformed },
            ["skippedResourcesByType"] = Counts(Export.SkippedByType),
            ["unresolvedMedicationReferences"] = new JsonObject
            {
                ["definition"] = "medication resources (administrations, orders, statements) whose medicationReference names a Medication resource the export does not hold; possibleSteroidCourses: those that are administrations or orders given and whose drug nothing else identifies, steroid courses perhaps not counted",
                ["patients"] = Tally.PatientsWithUnresolvedMedications,
                ["resources"] = Tally.UnresolvedMedications,
                ["possibleSteroidCourses"] = new JsonObject
                {
                    ["patients"] = Tally.PatientsWithUnresolvedPossibleSteroidCourses,
                    ["resources"] = Tally.UnresolvedPossibleSteroidCourses,
                },
            },
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject Quantiles(DayDistribution d) => new() { ["count"] = d.Count, ["median"] = d.Median, ["q1"] = d.Q1, ["q3"] = d.Q3, ["iqr"] = d.Iqr };

    private static JsonObject Counts(IEnumerable<KeyValuePair<string, long>> counts) =>
        new(counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value)));
}
