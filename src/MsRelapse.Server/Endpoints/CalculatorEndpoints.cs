using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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

    /// <summary>The EDSS query parameters, each with its functional system (range): for the OpenAPI document.</summary>
    internal static IReadOnlyList<(FunctionalSystem System, string Parameter)> EdssQueryParameters => EdssParameters;

    public static void Map(RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/edss", Edss)
            .WithName("CalculateEdss")
            .WithSummary("EDSS from raw functional-system scores (visual and bowel-bladder unconverted) and the Neurostatus ambulation score.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/tpe-plan", TpePlan)
            .WithName("PlanPlasmaExchange")
            .WithSummary("Plasma exchange prescription (Nadler blood volume, exchange volume, schedule, albumin, IgG removal).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    /// <summary>GET /api/edss with the raw scores as query parameters: visual, brainstem, pyramidal, cerebellar, sensory, bowelBladder, cerebral, ambulation.</summary>
    public static Results<ContractJsonResult<EdssDocument>, ProblemHttpResult> Edss(HttpRequest request)
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
                if (!QueryParameters.TryParseNumber(text, out var parsed))
                {
                    errors.Add(new(ProblemCodes.InvalidParameter, $"{parameter} '{QueryParameters.Shorten(text)}' is not a number (expected an integer {system.RangeText()})", null, parameter));
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

        return new ContractJsonResult<EdssDocument>(CalculatorJson.Serialize(EdssCalculator.Calculate(scores!)));
    }

    /// <summary>GET /api/tpe-plan with sex, heightCm, weightKg, hematocrit, and optionally plasmaVolumes, exchanges and start, as query parameters.</summary>
    public static Results<ContractJsonResult<TpePlanDocument>, ProblemHttpResult> TpePlan(HttpRequest request, TimeProvider clock)
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
            Fail("sex", $"sex '{QueryParameters.Shorten(sexText)}' is not male or female");
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
            if (!QueryParameters.TryParseNumber(pvText, out plasmaVolumes)
                || plasmaVolumes < PlasmaExchangePlanner.MinimumPlasmaVolumesPerExchange
                || plasmaVolumes > PlasmaExchangePlanner.MaximumPlasmaVolumesPerExchange)
            {
                Fail("plasmaVolumes", $"plasmaVolumes '{QueryParameters.Shorten(pvText)}' is outside 1.0–1.5 (plasma volumes per exchange)");
            }
        }

        var exchanges = PlasmaExchangePlanner.DefaultExchanges;
        if (request.Query["exchanges"].ToString() is { Length: > 0 } exText)
        {
            if (!int.TryParse(exText, NumberStyles.Integer, CultureInfo.InvariantCulture, out exchanges)
                || exchanges < PlasmaExchangePlanner.MinimumExchanges || exchanges > PlasmaExchangePlanner.MaximumExchanges)
            {
                Fail("exchanges", $"exchanges '{QueryParameters.Shorten(exText)}' is outside 5–7 (an integer)");
            }
        }

        if (QueryParameters.TryDate("start", request.Query["start"], QueryParameters.Today(clock), out var start) is { } startProblem)
        {
            Fail("start", startProblem);
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
        return new ContractJsonResult<TpePlanDocument>(CalculatorJson.Serialize(plan));
    }

    private static ProblemHttpResult InvalidParameters(IEnumerable<ProblemError> errors)
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

        if (!QueryParameters.TryParseNumber(text, out var value))
        {
            fail(parameter, $"{parameter} '{QueryParameters.Shorten(text)}' is not a number (expected {expected})");
            return null;
        }

        return value;
    }
}
