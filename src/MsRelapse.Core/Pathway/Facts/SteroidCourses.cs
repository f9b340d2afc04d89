using System.Collections.Immutable;
using MsRelapse.Core.Model;

namespace MsRelapse.Core.Pathway.Facts;

/// <summary>A steroid course (Conventions): qualifying daily doses at most 2 days apart.</summary>
/// <param name="Start">First dose day.</param>
/// <param name="End">Last dose day (the course end).</param>
/// <param name="Route">Route of the last dose.</param>
/// <param name="Doses">The qualifying doses.</param>
internal sealed record SteroidCourse(DateOnly Start, DateOnly End, DoseRoute Route, ImmutableArray<SteroidDose> Doses)
{
    /// <summary>Unknown route is read as oral (A4, docs/pathway.md).</summary>
    public bool IsIntravenous => Route == DoseRoute.Intravenous;
}

/// <summary>
/// R6's facts (Conventions, "course"): the steroid doses known at asOf, the qualifying ones chained into courses,
/// and the courses that count for the current attack.
/// </summary>
/// <param name="Doses">Every dose known at asOf, by day.</param>
/// <param name="SubThreshold">Doses with an amount below a relapse course (reported, not relapse treatment).</param>
/// <param name="WithoutAmount">Doses with no amount.</param>
/// <param name="Courses">Every course, by start.</param>
/// <param name="ForAttack">The courses with a dose on or after the attack's onset.</param>
internal sealed record SteroidCourses(
    ImmutableArray<SteroidDose> Doses,
    ImmutableArray<SteroidDose> SubThreshold,
    ImmutableArray<SteroidDose> WithoutAmount,
    ImmutableArray<SteroidCourse> Courses,
    ImmutableArray<SteroidCourse> ForAttack)
{
    /// <summary>The last course that counts for the attack (its end is R6's course end).</summary>
    public SteroidCourse? LastForAttack => ForAttack.IsEmpty ? null : ForAttack[^1];

    /// <summary>
    /// Builds the courses; <paramref name="childWeight"/> is the weight that counts for a child (R9: last 30 days),
    /// null for an adult or without one.
    /// </summary>
    public static SteroidCourses Build(PatientRecord record, DateOnly asOf, bool isChild, Measurement? childWeight, DateOnly? attackOnset)
    {
        var doses = Lists.Sorted(record.SteroidDoses, s => s.Day <= asOf, static (x, y) => Lists.ThenBySource(x.Day.CompareTo(y.Day), x.Source, y.Source));
        bool Qualifies(SteroidDose dose) => QualifiesAsCourseDay(dose, isChild, childWeight);
        var courses = Chain(Lists.Where(doses, Qualifies));
        return new SteroidCourses(
            doses,
            Lists.Where(doses, s => s.DoseMg is not null && !Qualifies(s)),
            Lists.Where(doses, static s => s.DoseMg is null),
            courses,
            // A course counts for the attack when one of its doses is on or after onset: its last dose (End) is.
            attackOnset is { } onset ? Lists.Where(courses, c => c.End >= onset) : []);
    }

    private static bool QualifiesAsCourseDay(SteroidDose dose, bool isChild, Measurement? childWeight)
    {
        // A5: a dose without an amount is not a course day (a course is defined by its dose); A6: each dose is judged on its own, doses of one day are never summed.
        if (dose.DoseMg is not { } mg)
        {
            return false;
        }

        var adult = dose.Drug == SteroidDrug.Methylprednisolone
            ? mg >= Thresholds.CourseMinMethylprednisoloneMg
            : mg >= Thresholds.CourseMinPrednisoneMg;
        if (adult)
        {
            return true;
        }

        // A7: under 18, ≥ 20 mg/kg/day of methylprednisolone (prednisone/prednisolone by equivalence) also counts;
        // without a weight in the last 30 days only the adult threshold applies.
        if (isChild && childWeight is { } w && w.Value > 0)
        {
            var mpEquivalent = dose.Drug == SteroidDrug.Methylprednisolone ? mg : mg / Thresholds.PrednisonePerMethylprednisolone;
            return mpEquivalent / w.Value >= Thresholds.CourseMinPediatricMgPerKg;
        }

        return false;
    }

    private static ImmutableArray<SteroidCourse> Chain(ImmutableArray<SteroidDose> qualifying)
    {
        var courses = ImmutableArray.CreateBuilder<SteroidCourse>();
        var run = new List<SteroidDose>();
        foreach (var dose in qualifying)
        {
            if (run.Count > 0 && EvaluationContext.Days(run[^1].Day, dose.Day) > Thresholds.CourseMaxGapDays)
            {
                courses.Add(MakeCourse(run));
                run = [];
            }

            run.Add(dose);
        }

        if (run.Count > 0)
        {
            courses.Add(MakeCourse(run));
        }

        return courses.ToImmutable();
    }

    private static SteroidCourse MakeCourse(List<SteroidDose> run)
    {
        var end = run[^1].Day;
        // The route of the last dose that records one (clinical.md Conventions, 2026.2: "its route is the route of its last
        // dose that records one"); with several such doses on that day, IV wins over oral (A4). None recorded: unknown, which
        // R6 reads as oral and says so. A last dose without a route does not hide the IV doses before it.
        // The run is in day order: walk back to the last day with a recorded route, and look at that day's doses only.
        var route = DoseRoute.Unknown;
        DateOnly? day = null;
        for (var i = run.Count - 1; i >= 0 && (day is null || run[i].Day == day); i--)
        {
            if (run[i].Route != DoseRoute.Unknown)
            {
                day = run[i].Day;
                route = route == DoseRoute.Intravenous ? route : run[i].Route;
            }
        }

        return new SteroidCourse(run[0].Day, end, route, [.. run]);
    }
}
