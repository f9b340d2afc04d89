using MsRelapse.Core.Model;

namespace MsRelapse.Core.Apheresis;

/// <summary>
/// What a plasma exchange prescription needs. Measurements may be missing (the plan then names them and gives no
/// volumes); values that are present must be valid (R0), else <see cref="PlasmaExchangePlanner.Plan"/> throws.
/// </summary>
public sealed record PlasmaExchangeRequest
{
    /// <summary>Administrative sex (Nadler's formula differs for men and women; not needed under 25 kg).</summary>
    public Sex Sex { get; init; } = Sex.Unknown;

    /// <summary>Height, cm (40–250); not needed under 25 kg.</summary>
    public double? HeightCm { get; init; }

    /// <summary>Weight, kg (2–400).</summary>
    public double? WeightKg { get; init; }

    /// <summary>Hematocrit, % (10–70).</summary>
    public double? HematocritPercent { get; init; }

    /// <summary>Plasma volumes exchanged per session, 1.0–1.5 (E-ASFA-2023).</summary>
    public double PlasmaVolumesPerExchange { get; init; } = PlasmaExchangePlanner.DefaultPlasmaVolumesPerExchange;

    /// <summary>Number of exchanges, 5–7 (E-ASFA-2023, E-WEINSHENKER-1999).</summary>
    public int Exchanges { get; init; } = PlasmaExchangePlanner.DefaultExchanges;

    /// <summary>Date of the first exchange (the engine uses asOf + 1 day, + 2 with an active ACE inhibitor).</summary>
    public required DateOnly StartDate { get; init; }
}
