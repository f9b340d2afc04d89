using System.Collections.Immutable;
using System.Globalization;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Apheresis;

/// <summary>Plasma exchange prescriptions (clinical.md "Plasma exchange plan"; E-NADLER-1962, E-KAPLAN-1990, E-ASFA-2023, E-REVERBERI-2007).</summary>
public static class PlasmaExchangePlanner
{
    /// <summary>Default plasma volumes per exchange (E-ASFA-2023: 1–1.5).</summary>
    public const double DefaultPlasmaVolumesPerExchange = Thresholds.PlasmaVolumesPerExchange;

    /// <summary>Fewest plasma volumes per exchange.</summary>
    public const double MinimumPlasmaVolumesPerExchange = Thresholds.PlasmaVolumesPerExchange;

    /// <summary>Most plasma volumes per exchange.</summary>
    public const double MaximumPlasmaVolumesPerExchange = Thresholds.MaxPlasmaVolumesPerExchange;

    /// <summary>Default number of exchanges (E-ASFA-2023).</summary>
    public const int DefaultExchanges = Thresholds.ApheresisCourseSessions;

    /// <summary>Fewest exchanges in a course.</summary>
    public const int MinimumExchanges = Thresholds.ApheresisCourseSessions;

    /// <summary>Most exchanges in a course (E-WEINSHENKER-1999 used 7).</summary>
    public const int MaximumExchanges = Thresholds.MaxExchanges;

    /// <summary>Days between exchanges: every other day (E-ASFA-2023, E-WEINSHENKER-1999).</summary>
    public const int IntervalDays = Thresholds.ApheresisIntervalDays;

    /// <summary>Below this weight, kg, the blood volume is 70 mL/kg, not Nadler's (clinical.md: "70 mL/kg under 25 kg"; Nadler was derived in adults).</summary>
    public const double WeightBasedBelowKg = 25;

    /// <summary>Total blood volume under 25 kg, mL/kg (clinical.md Plasma exchange plan; MDApp's "child &lt;25 kg 70 mL/kg" in the fact sheet).</summary>
    public const double ChildBloodVolumeMlPerKg = 70;

    /// <summary>Kaplan's blood volume per kg, L: plasma volume = 0.065 × kg × (1 − Hct), the cross-check shown beside Nadler and the weight-based volume of tpe-volume-check (E-KAPLAN-1990).</summary>
    public const double KaplanBloodVolumeLitresPerKg = 0.065;

    /// <summary>Share of the body's IgG that is intravascular, for the predicted IgG (45 %, E-REVERBERI-2007).</summary>
    public const double IntravascularIgGFraction = 0.45;

    /// <summary>Albumin per mL of 5 % albumin replacement, g (clinical.md: grams = 0.05 g/mL × exchange volume).</summary>
    public const double AlbuminGramsPerMl = 0.05;

    /// <summary>Grams of albumin in one vial (clinical.md: vials of 12.5 g, rounded up).</summary>
    public const double AlbuminGramsPerVial = 12.5;

    /// <summary>Nadler, men: litres per m³ of height cubed (E-NADLER-1962: TBV = 0.3669·H³ + 0.03219·W + 0.6041 L).</summary>
    public const double NadlerMaleHeightCubedLitres = 0.3669;

    /// <summary>Nadler, men: litres per kg of weight.</summary>
    public const double NadlerMaleWeightLitresPerKg = 0.03219;

    /// <summary>Nadler, men: constant, litres.</summary>
    public const double NadlerMaleConstantLitres = 0.6041;

    /// <summary>Nadler, women: litres per m³ of height cubed (E-NADLER-1962: TBV = 0.3561·H³ + 0.03308·W + 0.1833 L).</summary>
    public const double NadlerFemaleHeightCubedLitres = 0.3561;

    /// <summary>Nadler, women: litres per kg of weight.</summary>
    public const double NadlerFemaleWeightLitresPerKg = 0.03308;

    /// <summary>Nadler, women: constant, litres.</summary>
    public const double NadlerFemaleConstantLitres = 0.1833;

    /// <summary>
    /// The <c>tpe-volume-check</c> warning (clinical.md, Plasma exchange plan, 2026.2) with its four values as text:
    /// one wording for the engine and the pathway book (which shows it with N, X and Y).
    /// </summary>
    public static string VolumeCheckMessage(string percent, string direction, string nadlerMl, string weightBasedMl) =>
        $"The weight-based estimate is {percent} % {direction} than Nadler's (Nadler {nadlerMl} mL, weight-based {weightBasedMl} mL plasma volume): check the weight and height and their units; in marked obesity the weight-based estimate overstates the blood volume — the apheresis unit decides.";

    /// <summary>
    /// 2026.2 <c>tpe-volume-check</c>: when the volume is by Nadler and the weight-based (Kaplan) estimate differs from
    /// it by more than 30 % of Nadler's (percent rounded to a whole number; the hematocrit cancels out), the warning
    /// text; else null. The volumes stay Nadler's. (choice: 30 % spares children of 25–30 kg and moderate obesity, and
    /// catches a weight in pounds entered as kilograms.)
    /// </summary>
    public static string? VolumeCheckOf(double? nadlerPlasmaVolumeMl, double? kaplanPlasmaVolumeMl)
    {
        if (nadlerPlasmaVolumeMl is not { } nadler || kaplanPlasmaVolumeMl is not { } kaplan || nadler <= 0)
        {
            return null;
        }

        var percent = (int)Math.Round((kaplan - nadler) / nadler * 100, MidpointRounding.AwayFromZero);
        if (Math.Abs(percent) <= Thresholds.TpeVolumeCheckPercent)
        {
            return null;
        }

        var ml = static (double v) => PlanRounding.Millilitres(v).ToString("#,0", CultureInfo.InvariantCulture);
        return VolumeCheckMessage(Math.Abs(percent).ToString(CultureInfo.InvariantCulture), percent > 0 ? "higher" : "lower", ml(nadler), ml(kaplan));
    }

    /// <summary>
    /// Plans a course of plasma exchange. Missing weight, height, sex (or a sex other than male/female) or
    /// hematocrit give no volumes and are named in <see cref="PlasmaExchangePlan.MissingItems"/>; the schedule and
    /// the IgG predictions (which depend only on n and the number of exchanges) still stand. Under 25 kg height and
    /// sex are not needed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A value present but out of range (R0), or plasma volumes outside 1.0–1.5, or exchanges outside 5–7.</exception>
    public static PlasmaExchangePlan Plan(PlasmaExchangeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var n = request.PlasmaVolumesPerExchange;
        if (!double.IsFinite(n) || n < MinimumPlasmaVolumesPerExchange || n > MaximumPlasmaVolumesPerExchange)
        {
            throw new ArgumentOutOfRangeException(nameof(request), n, $"plasma volumes per exchange {Quantity.Show(n)} is outside 1.0–1.5");
        }

        if (request.Exchanges is < MinimumExchanges or > MaximumExchanges)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Exchanges, string.Create(CultureInfo.InvariantCulture, $"exchanges {request.Exchanges} is outside 5–7"));
        }

        BodyWeightKg? weight = request.WeightKg is { } w ? new BodyWeightKg(w) : null;
        BodyHeightCm? height = request.HeightCm is { } h ? new BodyHeightCm(h) : null;
        HematocritPercent? hematocrit = request.HematocritPercent is { } hct ? new HematocritPercent(hct) : null;

        var weightBased = weight is { Value: < WeightBasedBelowKg };
        var missing = ImmutableArray.CreateBuilder<string>();
        if (weight is null)
        {
            missing.Add("weight");
        }

        if (height is null && !weightBased)
        {
            missing.Add("height");
        }

        if (request.Sex is not (Sex.Male or Sex.Female) && !weightBased)
        {
            // Nadler's formula exists only for men and women; for any other or unknown sex no formula is safe to pick.
            missing.Add("sex");
        }

        if (hematocrit is null)
        {
            missing.Add("hematocrit");
        }

        var fractionRemaining = Math.Exp(-n);
        var schedule = Enumerable.Range(1, request.Exchanges)
            .Select(k => new ScheduledSession(k, request.StartDate.AddDays(IntervalDays * (k - 1))))
            .ToImmutableArray();
        var predictions = PredictIgG(n, request.Exchanges);

        double? tbv = null, pv = null, kaplan = null, exchange = null, grams = null;
        int? vials = null;
        if (missing.Count == 0)
        {
            var kg = weight!.Value.Value;
            var hctFraction = hematocrit!.Value.Fraction;
            tbv = weightBased ? ChildBloodVolumeMlPerKg * kg : NadlerLitres(request.Sex, height!.Value.Metres, kg) * 1000;
            pv = tbv * (1 - hctFraction);
            kaplan = KaplanBloodVolumeLitresPerKg * kg * (1 - hctFraction) * 1000; // E-KAPLAN-1990, shown beside Nadler as a cross-check
            exchange = pv * n;
            grams = exchange * AlbuminGramsPerMl;
            vials = AlbuminVials(grams.Value);
        }

        var plan = new PlasmaExchangePlan
        {
            VolumeCheck = weightBased ? null : VolumeCheckOf(pv, kaplan),
            Method = weight is null ? null : weightBased ? "weight-based" : "nadler",
            TotalBloodVolumeMl = tbv,
            PlasmaVolumeMl = pv,
            KaplanPlasmaVolumeMl = kaplan,
            PlasmaVolumesPerExchange = n,
            ExchangeVolumeMl = exchange,
            FractionRemainingPerExchange = fractionRemaining,
            Exchanges = request.Exchanges,
            StartDate = request.StartDate,
            IntervalDays = IntervalDays,
            Schedule = schedule,
            TotalBodyIgGRemainingFraction = predictions[^1].TotalBodyFractionAfter,
            AlbuminGramsPerExchange = grams,
            AlbuminVialsPerExchange = vials,
            PredictedIgG = predictions,
            MissingItems = missing.ToImmutable(),
        };
        return plan with { Monitoring = Monitoring(plan.LastSessionDate, albumin: true) };
    }

    /// <summary>Vials of 12.5 g needed for <paramref name="grams"/> of albumin, rounded up.</summary>
    public static int AlbuminVials(double grams) =>
        // Round away floating-point noise before rounding up, so that exactly 125 g is 10 vials, not 11.
        checked((int)Math.Ceiling(Math.Round(grams / AlbuminGramsPerVial, 9)));

    /// <summary>Nadler's total blood volume, litres (E-NADLER-1962); only for men and women.</summary>
    /// <param name="sex">Male or female.</param>
    /// <param name="heightM">Height, metres.</param>
    /// <param name="weightKg">Weight, kg.</param>
    public static double NadlerLitres(Sex sex, double heightM, double weightKg) => sex switch
    {
        Sex.Male => (NadlerMaleHeightCubedLitres * heightM * heightM * heightM) + (NadlerMaleWeightLitresPerKg * weightKg) + NadlerMaleConstantLitres,
        Sex.Female => (NadlerFemaleHeightCubedLitres * heightM * heightM * heightM) + (NadlerFemaleWeightLitresPerKg * weightKg) + NadlerFemaleConstantLitres,
        _ => throw new ArgumentOutOfRangeException(nameof(sex), sex, "Nadler's formula is defined for male and female only"),
    };

    /// <summary>
    /// Predicted IgG over a course (E-REVERBERI-2007): two compartments, 45 % intravascular, full re-equilibration
    /// between sessions, no synthesis. Each exchange leaves e^(−n) of the plasma IgG; after re-equilibration the body
    /// has lost 0.45·(1 − e^(−n)) of what it had, so after k sessions (1 − 0.45·(1 − e^(−n)))^k is left.
    /// </summary>
    public static ImmutableArray<IgGPrediction> PredictIgG(double plasmaVolumesPerExchange, int exchanges)
    {
        var plasmaLeft = Math.Exp(-plasmaVolumesPerExchange);
        var perSession = 1 - (IntravascularIgGFraction * (1 - plasmaLeft));
        var builder = ImmutableArray.CreateBuilder<IgGPrediction>(exchanges);
        var before = 1.0;
        for (var k = 1; k <= exchanges; k++)
        {
            // Before session k the compartments have re-equilibrated, so plasma stands at the total-body fraction.
            var after = Math.Pow(perSession, k);
            builder.Add(new IgGPrediction(k, plasmaLeft, before * plasmaLeft, after));
            before = after;
        }

        return builder.MoveToImmutable();
    }

    /// <summary>The apheresis monitoring list; <paramref name="albumin"/> adds the albumin-specific items (TPE, not IA).</summary>
    internal static ImmutableArray<string> Monitoring(DateOnly lastSession, bool albumin)
    {
        var items = ImmutableArray.CreateBuilder<string>();
        items.Add("Citrate toxicity: ask about perioral tingling and cramps during each session; check calcium (ionised if available) before each session");
        if (albumin)
        {
            // Albumin replacement removes clotting factors: fibrinogen falls over the course (E-WODAJO-2024).
            items.Add("Fibrinogen before the 3rd exchange (consider plasma replacement or a delay if < 100 mg/dL)");
        }

        items.Add("Blood pressure before, during and after each session");
        items.Add("Vascular access site: bleeding, infection, thrombosis");
        if (albumin)
        {
            items.Add("Hold ACE inhibitors at least 24 h before each exchange (bradykinin reactions with albumin, E-OWEN-1994)");
        }
        else
        {
            items.Add("Hold ACE inhibitors before each session (bradykinin reactions on the adsorber column)");
        }

        items.Add(string.Create(CultureInfo.InvariantCulture, $"Reassess EDSS at the end of the course ({lastSession:yyyy-MM-dd}) and 28 days after the last session ({lastSession.AddDays(28):yyyy-MM-dd}; late responders, E-LLUFRIU-2009)"));
        return items.ToImmutable();
    }
}
