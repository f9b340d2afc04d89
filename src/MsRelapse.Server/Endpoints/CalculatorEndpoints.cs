using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MsRelapse.Core.Apheresis;
using MsRelapse.Core.Contract;
using MsRelapse.Core.Edss;
using MsRelapse.Core.Model;
using MsRelapse.Server.Infrastructure;

namespace MsRelapse.Server.Endpoints;

/// <summary>
/// GET /api/edss and GET /api/tpe-plan: the calculators with the CLI's validation and JSON
/// (calculators.schema.json, written by <see cref="CalculatorJson"/>). Stateless.
/// </summary>
public static class CalculatorEndpoints
{
    private static readonly (FunctionalSystem System, string Parameter)[] EdssParameters =
    [
        (FunctionalSystem.Visual, "visual"),
        (FunctionalSystem.Brainstem, "brainstem"),
        (FunctionalSystem.Pyramidal, "pyramidal"),
        (FunctionalSystem.Cerebellar, "cerebellar"),
        (FunctionalSystem.Sensory, "sensory"),
        (FunctionalSystem.BowelBladder, "bowelBladder"),
        (FunctionalSystem.Cerebral, "cerebral"),
        (FunctionalSystem.Ambulation, "ambulation"),
    ];

    public static void Map(RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/edss", Edss)
            .WithName("CalculateEdss")
            .WithSummary("EDSS from raw functional-system scores (visual and bowel-bladder unconverted) and the Neurostatus ambulation score.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/tpe-plan", TpePlan)
            .WithName("PlanPlasmaExchange")
            .WithSummary("Plasma exchange prescription (Nadler blood volume, exchange volume, schedule, albumin, IgG removal).")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    /// <summary>GET /api/edss?visual=&amp;brainstem=&amp;pyramidal=&amp;cerebellar=&amp;sensory=&amp;bowelBladder=&amp;cerebral=&amp;ambulation=</summary>
    public static IResult Edss(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<ProblemError>();
        var values = new double?[EdssParameters.Length];
        for (var i = 0; i < EdssParameters.Length; i++)
        {
            var (system, parameter) = EdssParameters[i];
            string? text = request.Query[parameter];
            double? value = null;
            if (text is not null)
            {
                if (!TryParseNumber(text, out var parsed))
                {
                    errors.Add(new(ProblemCodes.InvalidParameter, $"{parameter} '{Shorten(text)}' is not a number (expected an integer {system.RangeText()})", null, parameter));
                    continue;
                }

                value = parsed;
            }

            // The same R0 check and wording as the CLI (FunctionalSystemScores.Problem), naming the query parameter.
            if (FunctionalSystemScores.Problem(system, value, parameter) is { } problem)
            {
                errors.Add(new(ProblemCodes.InvalidParameter, problem, null, parameter));
            }

            values[i] = value;
        }

        if (errors.Count > 0)
        {
            return InvalidParameters(errors);
        }

        var raw = new RawFunctionalSystems(values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7]);
        if (!FunctionalSystemScores.TryCreate(raw, out var scores, out var messages))
        {
            return InvalidParameters(messages.Select(m => new ProblemError(ProblemCodes.InvalidParameter, m, null, null)));
        }

        return Json(CalculatorJson.Serialize(EdssCalculator.Calculate(scores!)));
    }

    /// <summary>GET /api/tpe-plan?sex=&amp;heightCm=&amp;weightKg=&amp;hematocrit=&amp;plasmaVolumes=&amp;exchanges=&amp;start=</summary>
    public static IResult TpePlan(HttpRequest request, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(clock);
        var errors = new List<ProblemError>();
        void Fail(string parameter, string message) => errors.Add(new(ProblemCodes.InvalidParameter, message, null, parameter));

        var sex = Sex.Unknown;
        string? sexText = request.Query["sex"];
        if (sexText is null)
        {
            Fail("sex", "sex is missing (expected male or female)");
        }
        else if (string.Equals(sexText, "male", StringComparison.OrdinalIgnoreCase))
        {
            sex = Sex.Male;
        }
        else if (string.Equals(sexText, "female", StringComparison.OrdinalIgnoreCase))
        {
            sex = Sex.Female;
        }
        else
        {
            Fail("sex", $"sex '{Shorten(sexText)}' is not male or female");
        }

        var height = RequiredNumber(request, "heightCm", "height in cm, 40–250", Fail);
        if (height is { } h && BodyHeightCm.Problem(h, "heightCm") is { } heightProblem)
        {
            Fail("heightCm", heightProblem);
        }

        var weight = RequiredNumber(request, "weightKg", "weight in kg, 2–400", Fail);
        if (weight is { } w && BodyWeightKg.Problem(w, "weightKg") is { } weightProblem)
        {
            Fail("weightKg", weightProblem);
        }

        var hematocrit = RequiredNumber(request, "hematocrit", "hematocrit in percent, 10–70", Fail);
        if (hematocrit is { } hct && HematocritPercent.Problem(hct) is { } hctProblem)
        {
            Fail("hematocrit", hctProblem);
        }

        var plasmaVolumes = PlasmaExchangePlanner.DefaultPlasmaVolumesPerExchange;
        if (request.Query["plasmaVolumes"].ToString() is { Length: > 0 } pvText)
        {
            if (!TryParseNumber(pvText, out plasmaVolumes)
                || plasmaVolumes < PlasmaExchangePlanner.MinimumPlasmaVolumesPerExchange
                || plasmaVolumes > PlasmaExchangePlanner.MaximumPlasmaVolumesPerExchange)
            {
                Fail("plasmaVolumes", $"plasmaVolumes '{Shorten(pvText)}' is outside 1.0–1.5 (plasma volumes per exchange)");
            }
        }

        var exchanges = PlasmaExchangePlanner.DefaultExchanges;
        if (request.Query["exchanges"].ToString() is { Length: > 0 } exText)
        {
            if (!int.TryParse(exText, NumberStyles.Integer, CultureInfo.InvariantCulture, out exchanges)
                || exchanges < PlasmaExchangePlanner.MinimumExchanges || exchanges > PlasmaExchangePlanner.MaximumExchanges)
            {
                Fail("exchanges", $"exchanges '{Shorten(exText)}' is outside 5–7 (an integer)");
            }
        }

        var start = Today(clock);
        if (request.Query["start"].ToString() is { Length: > 0 } startText && !TryParseDate(startText, out start))
        {
            Fail("start", $"start '{Shorten(startText)}' is not a date (expected YYYY-MM-DD)");
        }

        if (errors.Count > 0)
        {
            return InvalidParameters(errors);
        }

        var plan = PlasmaExchangePlanner.Plan(new PlasmaExchangeRequest
        {
            Sex = sex,
            HeightCm = height,
            WeightKg = weight,
            HematocritPercent = hematocrit,
            PlasmaVolumesPerExchange = plasmaVolumes,
            Exchanges = exchanges,
            StartDate = start,
        });
        return Json(CalculatorJson.Serialize(plan));
    }

    /// <summary>Today in the server's clock and time zone (as the CLI): the default for dates the caller leaves out.</summary>
    public static DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
    }

    /// <summary>Strict ISO date (YYYY-MM-DD).</summary>
    public static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>A finite number in invariant culture.</summary>
    public static bool TryParseNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>Echo at most 40 characters of a bad value (messages stay short; garbage stays out of them).</summary>
    public static string Shorten(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
    }

    /// <summary>
    /// A contract document as UTF-8 JSON, followed by a newline: byte for byte what the CLI prints with --json.
    /// </summary>
    public static IResult Json(string json) => Results.Text(json + "\n", "application/json; charset=utf-8");

    private static IResult InvalidParameters(IEnumerable<ProblemError> errors)
    {
        var list = errors.ToList();
        return Problems.Create(StatusCodes.Status400BadRequest, ProblemCodes.InvalidParameter, "Invalid parameters.",
            string.Join("; ", list.Select(e => e.Message)), list);
    }

    private static double? RequiredNumber(HttpRequest request, string parameter, string expected, Action<string, string> fail)
    {
        string? text = request.Query[parameter];
        if (string.IsNullOrEmpty(text))
        {
            fail(parameter, $"{parameter} is missing (expected {expected})");
            return null;
        }

        if (!TryParseNumber(text, out var value))
        {
            fail(parameter, $"{parameter} '{Shorten(text)}' is not a number (expected {expected})");
            return null;
        }

        return value;
    }
}
