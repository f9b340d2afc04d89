using System.Collections.Immutable;
using System.Globalization;

namespace MsRelapse.Core.Pathway;

/// <summary>
/// One apheresis response factor as clinical.md's table ("Apheresis response factors", 2026.2) defines it: what
/// value is read from the record, which value points to a better response, the published effect (worded only as
/// <c>clinical-evidence.md</c> states it), whether studies disagree, and the evidence ids.
/// </summary>
/// <param name="Factor">The factor.</param>
/// <param name="ValueFromRecord">What the value is and where it comes from.</param>
/// <param name="BetterWhen">The value that points to a better response.</param>
/// <param name="Effect">The published effect, in the evidence sheet's words.</param>
/// <param name="Contested">Whether studies disagree.</param>
/// <param name="Evidence">Evidence ids, in the order the effect cites them.</param>
public sealed record ResponseFactorDefinition(ResponseFactor Factor, string ValueFromRecord, string BetterWhen, string Effect, bool Contested, ImmutableArray<string> Evidence);

/// <summary>
/// The seven factors of clinical.md's table, in its order: the one source the engine reads (each factor's effect,
/// contested mark and evidence in the result) and the pathway book prints. Informational, never a decision.
/// </summary>
public static class ResponseFactorCatalog
{
    /// <summary>The factors in the order of clinical.md's table (the order of the result).</summary>
    public static ImmutableArray<ResponseFactorDefinition> All { get; } =
    [
        new(ResponseFactor.TimeToApheresis,
            "days from the attack's onset to the first session (given, else planned)",
            "earlier",
            "earlier is better: odds of response × 0.7 per 7 days of delay (E-BLECHINGER-2021); early exchange OR 6.29 for the 6-month response (E-LLUFRIU-2009); the greatest benefit within 14 days of onset in a 2025 review (E-MARRODAN-2025); one large series found no timing effect (E-MAGANA-2011)",
            true, ["E-BLECHINGER-2021", "E-LLUFRIU-2009", "E-MARRODAN-2025", "E-MAGANA-2011"]),
        new(ResponseFactor.Age,
            "completed years at the evaluation date",
            "younger",
            "younger is better: odds of response × 0.5 per 5 years older",
            false, ["E-BLECHINGER-2021"]),
        new(ResponseFactor.DiseaseCourse,
            "relapsing (RRMS) or progressive (SPMS/PPMS: the codes of R2's progressive-course flag); MS without a course code → unknown",
            "relapsing",
            "relapsing course OR 3.1 for response (E-BLECHINGER-2021); 75 % responded in relapsing vs 30 % in progressive disease (E-MAGANA-2011)",
            false, ["E-BLECHINGER-2021", "E-MAGANA-2011"]),
        new(ResponseFactor.MriActivity,
            string.Create(CultureInfo.InvariantCulture, $"gadolinium-enhancing lesions on an MRI dated from onset − {Thresholds.ResponseFactorMriBeforeOnsetDays} days to the evaluation date; enhancement on any MRI in that window counts; absent only when every MRI in the window shows none"),
            "enhancing lesions present",
            "enhancing lesions OR 3.2 for response (E-BLECHINGER-2021); the only multivariable predictor in one cohort (E-EHLER-2015); ring enhancement OR 4.0 (E-MAGANA-2011)",
            false, ["E-BLECHINGER-2021", "E-EHLER-2015", "E-MAGANA-2011"]),
        new(ResponseFactor.Reflexes,
            "deep tendon reflexes preserved or lost, on an examination dated from onset to the evaluation date; the latest date decides, and on that date any lost counts",
            "preserved",
            // clinical-evidence.md: "Predictors were shorter disease duration and preserved deep tendon reflexes (about
            // 4-fold)" (Magaña 2011) and "Predictors were … preserved reflexes (p = 0.019)" (Keegan 2002). The sheet does not
            // say 4-fold of what, so it is not restated as a likelihood of response.
            "preserved deep tendon reflexes predicted response (about 4-fold, E-MAGANA-2011); preserved reflexes predicted response (E-KEEGAN-2002)",
            false, ["E-MAGANA-2011", "E-KEEGAN-2002"]),
        new(ResponseFactor.DiseaseDuration,
            "years, one decimal, from the earliest MS diagnosis condition's onset to the evaluation date (no onset → unknown)",
            "shorter",
            "shorter disease duration predicted response",
            false, ["E-MAGANA-2011"]),
        new(ResponseFactor.DisabilityAtAttack,
            "EDSS at nadir",
            string.Create(CultureInfo.InvariantCulture, $"EDSS < {Thresholds.ResponseFactorPoorEdss:0.0}"),
            string.Create(CultureInfo.InvariantCulture, $"EDSS ≥ {Thresholds.ResponseFactorPoorEdss:0.0} at the attack predicts a poor outcome (E-MARRODAN-2025, review); smaller series disagree on the direction of baseline disability (E-EHLER-2015)"),
            true, ["E-MARRODAN-2025", "E-EHLER-2015"]),
    ];

    /// <summary>The definition of one factor.</summary>
    public static ResponseFactorDefinition Of(ResponseFactor factor) => All.First(d => d.Factor == factor);
}

/// <summary>
/// The words one response factor is shown with in the human and FHIR outputs (the CLI summary and the note on the
/// apheresis request): the value, which way it points, the published effect, the contested mark, what to record
/// when unknown, the source and the evidence — one wording for both.
/// </summary>
public static class ResponseFactorWords
{
    /// <summary>Which way the value points, in words.</summary>
    public static string Direction(Favours favours) => favours switch
    {
        Favours.Response => "favours a better response",
        Favours.LessResponse => "favours a poorer response",
        Favours.Continuous => "graded effect, no validated cut-off",
        _ => "not known from the record",
    };

    /// <summary>The value with its unit ("44 years", "EDSS 6.0", "preserved"), or "unknown".</summary>
    public static string Value(ApheresisResponseFactor factor)
    {
        ArgumentNullException.ThrowIfNull(factor);
        if (factor.Number is { } n)
        {
            return factor.Factor == ResponseFactor.DisabilityAtAttack
                ? "EDSS " + n.ToString("0.0", CultureInfo.InvariantCulture)
                : n.ToString("0.#", CultureInfo.InvariantCulture) + (factor.Unit is { } u ? " " + u : string.Empty);
        }

        return factor.Word ?? "unknown";
    }

    /// <summary>
    /// One line: "age: 44 years — graded effect, no validated cut-off; effect: younger is better: …; source …
    /// [E-BLECHINGER-2021]".
    /// </summary>
    public static string Line(ApheresisResponseFactor factor)
    {
        ArgumentNullException.ThrowIfNull(factor);
        return $"{WireNames.Of(factor.Factor)}: {Value(factor)} — {Direction(factor.Favours)}; effect: {factor.Effect}"
            + (factor.Contested ? "; contested (studies disagree)" : string.Empty)
            + (factor.Missing is { } m ? $"; to know it, record {m}" : string.Empty)
            + (factor.Source is { } src ? $"; source {src}" : string.Empty)
            + (factor.Evidence.IsEmpty ? string.Empty : $" [{string.Join(", ", factor.Evidence)}]");
    }
}
