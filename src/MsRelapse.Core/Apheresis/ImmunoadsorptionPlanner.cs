using MsRelapse.Core.Pathway;
using System.Collections.Immutable;

namespace MsRelapse.Core.Apheresis;

/// <summary>An immunoadsorption course (clinical.md "Immunoadsorption plan", E-IA-DORST-2019).</summary>
public sealed record ImmunoadsorptionPlan
{
    /// <summary>Number of sessions (5).</summary>
    public int Sessions { get; init; }

    /// <summary>Date of the first session.</summary>
    public DateOnly StartDate { get; init; }

    /// <summary>Days between sessions: 1 (daily) or 2 (every other day).</summary>
    public int IntervalDays { get; init; }

    /// <summary>The sessions and their dates.</summary>
    public ImmutableArray<ScheduledSession> Schedule { get; init; } = [];

    /// <summary>Replacement fluid: "none" (the adsorber returns the patient's own plasma; no albumin).</summary>
    public string ReplacementFluid { get; init; } = "none";

    /// <summary>Processed plasma per session, as set by the apheresis unit.</summary>
    public string ProcessedPlasmaVolumesPerSession { get; init; } = ImmunoadsorptionPlanner.ProcessedPlasmaVolumes;

    /// <summary>What to monitor, in order (as plasma exchange, without the albumin items).</summary>
    public ImmutableArray<string> Monitoring { get; init; } = [];

    /// <summary>Date of the last session.</summary>
    public DateOnly LastSessionDate => Schedule.IsDefaultOrEmpty ? StartDate : Schedule[^1].Date;

    /// <summary>Late reassessment: 28 days after the last session (late responders, E-LLUFRIU-2009).</summary>
    public DateOnly LateReassessmentDate => LastSessionDate.AddDays(28);
}

/// <summary>Plans immunoadsorption (E-IA-DORST-2019).</summary>
public static class ImmunoadsorptionPlanner
{
    /// <summary>Sessions in a course.</summary>
    public const int Sessions = Thresholds.ApheresisCourseSessions;

    /// <summary>Processed plasma volume per session (the Ulm trial; set by the apheresis unit).</summary>
    public const string ProcessedPlasmaVolumes = "2.0–2.5 plasma volumes (set by the apheresis unit)";

    /// <summary>Plans 5 sessions from <paramref name="startDate"/>, every other day or daily.</summary>
    public static ImmunoadsorptionPlan Plan(DateOnly startDate, bool daily = false)
    {
        var interval = daily ? 1 : 2;
        var schedule = Enumerable.Range(1, Sessions)
            .Select(k => new ScheduledSession(k, startDate.AddDays(interval * (k - 1))))
            .ToImmutableArray();
        return new ImmunoadsorptionPlan
        {
            Sessions = Sessions,
            StartDate = startDate,
            IntervalDays = interval,
            Schedule = schedule,
            Monitoring = PlasmaExchangePlanner.Monitoring(schedule[^1].Date, albumin: false),
        };
    }
}
