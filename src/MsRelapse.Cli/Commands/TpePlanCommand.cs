using System.CommandLine;
using System.Globalization;
using MsRelapse.Core.Apheresis;
using MsRelapse.Core.Contract;
using MsRelapse.Core.Model;
using Spectre.Console;

namespace MsRelapse.Cli.Commands;

/// <summary>
/// <c>msrelapse tpe-plan --sex male|female --height-cm X --weight-kg X --hematocrit PERCENT [--plasma-volumes 1.0–1.5]
/// [--exchanges 5–7] [--start DATE] [--json]</c>: a plasma exchange prescription (shared/contract/cli.md).
/// </summary>
internal static class TpePlanCommand
{
    /// <summary>Creates the command; <paramref name="time"/> gives today's date when <c>--start</c> is absent (the CLI is an adapter and may read the clock).</summary>
    public static Command Create(CliIo io, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var sex = new Option<string>("--sex") { Description = "male or female (Nadler's blood-volume formula differs).", Required = true };
        var height = new Option<string>("--height-cm") { Description = "Height, cm (40–250).", Required = true };
        var weight = new Option<string>("--weight-kg") { Description = "Weight, kg (2–400; under 25 kg blood volume is 70 mL/kg).", Required = true };
        var hematocrit = new Option<string>("--hematocrit") { Description = "Hematocrit in PERCENT (10–70), e.g. 44, not 0.44.", Required = true };
        var plasmaVolumes = new Option<string>("--plasma-volumes") { Description = "Plasma volumes per exchange, 1.0–1.5 (default 1.0)." };
        var exchanges = new Option<string>("--exchanges") { Description = "Number of exchanges, 5–7 (default 5), every other day." };
        var start = new Option<string>("--start") { Description = "Date of the first exchange, yyyy-MM-dd (default today)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document (calculators.schema.json#/$defs/tpePlan)." };

        var command = new Command("tpe-plan", "Plasma exchange prescription: blood and plasma volume, exchange volume, albumin, schedule, predicted IgG, monitoring.");
        foreach (var option in new Option[] { sex, height, weight, hematocrit, plasmaVolumes, exchanges, start, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(parsed =>
        {
            var request = new PlasmaExchangeRequest
            {
                Sex = ParseSex(parsed.GetValue(sex)!),
                HeightCm = Measure("--height-cm", parsed.GetValue(height)!, "40–250 cm", v => BodyHeightCm.Problem(v, "--height-cm")),
                WeightKg = Measure("--weight-kg", parsed.GetValue(weight)!, "2–400 kg", v => BodyWeightKg.Problem(v, "--weight-kg")),
                HematocritPercent = Measure("--hematocrit", parsed.GetValue(hematocrit)!, "percent 10–70", v => HematocritPercent.Problem(v, "--hematocrit")),
                PlasmaVolumesPerExchange = ParsePlasmaVolumes(parsed.GetValue(plasmaVolumes)),
                Exchanges = ParseExchanges(parsed.GetValue(exchanges)),
                StartDate = ParseStart(parsed.GetValue(start), time),
            };
            var plan = PlasmaExchangePlanner.Plan(request);
            if (parsed.GetValue(json))
            {
                io.Out.WriteLine(CalculatorJson.Serialize(plan));
            }
            else
            {
                Render(CalculatorOptions.Console(io), io.Out, plan);
            }

            return Program.Ok;
        });
        return command;
    }

    private static Sex ParseSex(string text) => text.Trim().ToUpperInvariant() switch
    {
        "MALE" => Sex.Male,
        "FEMALE" => Sex.Female,
        _ => throw new CliInputException($"--sex '{text}' is not recognised (expected male or female)"),
    };

    private static double Measure(string option, string text, string expected, Func<double, string?> problem)
    {
        var value = CalculatorOptions.ParseNumber(option, text, expected);
        CalculatorOptions.Check(problem(value));
        return value;
    }

    private static double ParsePlasmaVolumes(string? text)
    {
        if (text is null)
        {
            return PlasmaExchangePlanner.DefaultPlasmaVolumesPerExchange;
        }

        var value = CalculatorOptions.ParseNumber("--plasma-volumes", text, "1.0–1.5");
        if (value is < PlasmaExchangePlanner.MinimumPlasmaVolumesPerExchange or > PlasmaExchangePlanner.MaximumPlasmaVolumesPerExchange)
        {
            throw new CliInputException($"--plasma-volumes {CalculatorOptions.Show(value, 3)} is outside 1.0–1.5");
        }

        return value;
    }

    private static int ParseExchanges(string? text)
    {
        if (text is null)
        {
            return PlasmaExchangePlanner.DefaultExchanges;
        }

        var value = CalculatorOptions.ParseNumber("--exchanges", text, "an integer 5–7");
        if (value != Math.Floor(value))
        {
            throw new CliInputException($"--exchanges {CalculatorOptions.Show(value, 3)} is not an integer (expected 5–7)");
        }

        if (value is < PlasmaExchangePlanner.MinimumExchanges or > PlasmaExchangePlanner.MaximumExchanges)
        {
            throw new CliInputException($"--exchanges {CalculatorOptions.Show(value, 0)} is outside 5–7");
        }

        return (int)value;
    }

    private static DateOnly ParseStart(string? text, TimeProvider time)
    {
        if (text is null)
        {
            return DateOnly.FromDateTime(time.GetLocalNow().DateTime);
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new CliInputException($"--start '{text}' is not a date (expected yyyy-MM-dd, e.g. 2026-05-13)");
        }

        // The schedule runs two weeks past the start: it must stay inside the calendar.
        return date >= Server.Infrastructure.QueryParameters.MinDate && date <= Server.Infrastructure.QueryParameters.MaxDate
            ? date
            : throw new CliInputException($"--start {text} is outside {Server.Infrastructure.QueryParameters.DateRangeText}");
    }

    private static void Render(IAnsiConsole console, TextWriter plain, PlasmaExchangePlan plan)
    {
        static string Ml(double? ml) => ml is { } v ? MsRelapse.Core.Contract.PlanNumbers.Millilitres(v) : "— (missing input)";

        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Title("Plasma exchange plan").AddColumn("Item").AddColumn("Value");
        table.AddRow("Blood volume method", plan.Method ?? "—");
        table.AddRow("Total blood volume", Ml(plan.TotalBloodVolumeMl));
        table.AddRow("Plasma volume", Ml(plan.PlasmaVolumeMl));
        table.AddRow("Plasma volume (Kaplan cross-check)", Ml(plan.KaplanPlasmaVolumeMl));
        table.AddRow("Plasma volumes per exchange", PlanRounding.PlasmaVolumes(plan.PlasmaVolumesPerExchange).ToString("0.0#", inv));
        table.AddRow("Exchange volume", Ml(plan.ExchangeVolumeMl));
        table.AddRow("Removal per exchange", $"{PlanRounding.Percent(plan.SingleExchangeRemovalFraction)} (remaining {PlanRounding.Percent(plan.FractionRemainingPerExchange)})");
        table.AddRow("Replacement", plan.ReplacementFluid);
        table.AddRow("Albumin per exchange", plan.AlbuminGramsPerExchange is { } g
            ? $"{MsRelapse.Core.Contract.PlanNumbers.Grams(g)} = {plan.AlbuminVialsPerExchange} vials of 12.5 g"
            : "— (missing input)");
        table.AddRow("Exchanges", $"{plan.Exchanges.ToString(inv)}, every other day");
        table.AddRow("Total-body IgG left after the course", PlanRounding.Percent(plan.TotalBodyIgGRemainingFraction));
        if (!plan.MissingItems.IsEmpty)
        {
            table.AddRow("Missing", string.Join(", ", plan.MissingItems));
        }

        console.Write(table);

        var schedule = new Table().Title("Schedule and predicted IgG").AddColumn("Session").AddColumn("Date")
            .AddColumn(new TableColumn("Plasma IgG after exchange (of baseline)").RightAligned())
            .AddColumn(new TableColumn("Total-body IgG after session").RightAligned());
        foreach (var (session, igg) in plan.Schedule.Zip(plan.PredictedIgG))
        {
            schedule.AddRow(session.Session.ToString(inv), session.Date.ToString("yyyy-MM-dd", inv), PlanRounding.Percent(igg.PlasmaFractionOfBaseline), PlanRounding.Percent(igg.TotalBodyFractionAfter));
        }

        console.Write(schedule);
        // Long plain lines go straight to the writer: Spectre would wrap them at the console width.
        if (plan.VolumeCheck is { } check)
        {
            plain.WriteLine("WARNING tpe-volume-check: " + check); // 2026.2
        }

        plain.WriteLine("Monitoring:");
        foreach (var item in plan.Monitoring)
        {
            plain.WriteLine("  - " + item);
        }
    }
}
