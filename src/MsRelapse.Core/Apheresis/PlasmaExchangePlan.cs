using System.Collections.Immutable;

namespace MsRelapse.Core.Apheresis;

/// <summary>One planned apheresis session.</summary>
/// <param name="Session">1-based session number.</param>
/// <param name="Date">Planned date.</param>
public readonly record struct ScheduledSession(int Session, DateOnly Date);

/// <summary>Predicted IgG after one exchange (two compartments, E-REVERBERI-2007).</summary>
/// <param name="Session">1-based session number.</param>
/// <param name="PlasmaFractionOfPreExchange">Plasma IgG right after the exchange as a fraction of its value just before it: e^(−n).</param>
/// <param name="PlasmaFractionOfBaseline">Plasma IgG right after the exchange as a fraction of the value before the course.</param>
/// <param name="TotalBodyFractionAfter">Total-body IgG left after this session (after re-equilibration): (1 − 0.45·(1 − e^(−n)))^k.</param>
public readonly record struct IgGPrediction(int Session, double PlasmaFractionOfPreExchange, double PlasmaFractionOfBaseline, double TotalBodyFractionAfter);

/// <summary>
/// A plasma exchange prescription (clinical.md "Plasma exchange plan"). Values are kept at full precision; round
/// only for display with <see cref="PlanRounding"/>.
/// </summary>
public sealed record PlasmaExchangePlan
{
    /// <summary>How the total blood volume was estimated: "nadler" or "weight-based" (70 mL/kg under 25 kg); null when weight is missing.</summary>
    public string? Method { get; init; }

    /// <summary>2026.2 <c>tpe-volume-check</c>: the warning when Nadler's and the weight-based volume disagree by more than 30 %, else null.</summary>
    public string? VolumeCheck { get; init; }

    /// <summary>Estimated total blood volume, mL; null when an input is missing.</summary>
    public double? TotalBloodVolumeMl { get; init; }

    /// <summary>Plasma volume = TBV × (1 − Hct), mL; null when an input is missing.</summary>
    public double? PlasmaVolumeMl { get; init; }

    /// <summary>Kaplan's cross-check 0.065 × kg × (1 − Hct) L, in mL; null when weight or hematocrit is missing.</summary>
    public double? KaplanPlasmaVolumeMl { get; init; }

    /// <summary>Plasma volumes exchanged per session (n).</summary>
    public double PlasmaVolumesPerExchange { get; init; }

    /// <summary>Exchange volume = PV × n, mL; null when an input is missing.</summary>
    public double? ExchangeVolumeMl { get; init; }

    /// <summary>Fraction of a plasma constituent left right after one exchange: e^(−n).</summary>
    public double FractionRemainingPerExchange { get; init; }

    /// <summary>Fraction removed by one exchange: 1 − e^(−n).</summary>
    public double SingleExchangeRemovalFraction => 1 - FractionRemainingPerExchange;

    /// <summary>Number of exchanges.</summary>
    public int Exchanges { get; init; }

    /// <summary>Date of the first exchange.</summary>
    public DateOnly StartDate { get; init; }

    /// <summary>Days between sessions (2: every other day).</summary>
    public int IntervalDays { get; init; }

    /// <summary>The sessions and their dates.</summary>
    public ImmutableArray<ScheduledSession> Schedule { get; init; } = [];

    /// <summary>Total-body IgG left at the end of the course, as a fraction.</summary>
    public double TotalBodyIgGRemainingFraction { get; init; }

    /// <summary>Replacement fluid ("5 % albumin").</summary>
    public string ReplacementFluid { get; init; } = "5 % albumin";

    /// <summary>Albumin per exchange, g (0.05 g/mL of exchange volume); null when the volume is unknown.</summary>
    public double? AlbuminGramsPerExchange { get; init; }

    /// <summary>Vials of 12.5 g per exchange, rounded up; null when the volume is unknown.</summary>
    public int? AlbuminVialsPerExchange { get; init; }

    /// <summary>Predicted IgG per session.</summary>
    public ImmutableArray<IgGPrediction> PredictedIgG { get; init; } = [];

    /// <summary>What to monitor, in order.</summary>
    public ImmutableArray<string> Monitoring { get; init; } = [];

    /// <summary>Missing inputs that prevent the volumes: <c>weight</c>, <c>height</c>, <c>sex</c>, <c>hematocrit</c> (in that order).</summary>
    public ImmutableArray<string> MissingItems { get; init; } = [];

    /// <summary>Date of the last exchange (end-of-course reassessment).</summary>
    public DateOnly LastSessionDate => Schedule.IsDefaultOrEmpty ? StartDate : Schedule[^1].Date;

    /// <summary>Late reassessment: 28 days after the last exchange (late responders, E-LLUFRIU-2009).</summary>
    public DateOnly LateReassessmentDate => LastSessionDate.AddDays(28);
}
