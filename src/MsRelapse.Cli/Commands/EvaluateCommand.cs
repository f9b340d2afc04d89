using System.CommandLine;
using System.Globalization;
using MsRelapse.Core.Contract;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;
using MsRelapse.Fhir;
using Spectre.Console;

namespace MsRelapse.Cli.Commands;

/// <summary>
/// <c>msrelapse evaluate FILE|- [--as-of DATE] [--json] [--fhir]</c>: one patient's FHIR R4 Bundle in, the
/// recommendation out (shared/contract/cli.md). The CLI is an adapter: it reads the clock (today, when no
/// <c>--as-of</c> is given) and the file; the engine sees neither.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create(CliIo io) => Create(io, TimeProvider.System);

    public static Command Create(CliIo io, TimeProvider clock)
    {
        var command = new Command("evaluate", "Evaluate one patient's FHIR R4 Bundle against the MS relapse pathway (it recommends; the clinician decides).");
        var file = new Argument<string>("FILE") { Description = "The FHIR R4 Bundle (JSON), or '-' to read standard input." };
        var asOfOption = new Option<string>("--as-of") { Description = "Evaluation date, YYYY-MM-DD (default: today)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document (recommendation.schema.json)." };
        var fhir = new Option<bool>("--fhir") { Description = "Print the recommendation as a FHIR R4 Bundle (RequestGroup, CarePlan, …)." };
        command.Arguments.Add(file);
        command.Options.Add(asOfOption);
        command.Options.Add(json);
        command.Options.Add(fhir);

        command.SetAction(parsed =>
        {
            var asJson = parsed.GetValue(json);
            var asFhir = parsed.GetValue(fhir);
            if (asJson && asFhir)
            {
                throw new CliInputException("--json and --fhir exclude each other (choose one output format)");
            }

            var asOf = AsOfDate.Parse(parsed.GetValue(asOfOption), clock, AsOfDate.Evaluation);
            var input = ReadInput(parsed.GetValue(file)!, io);
            // The service's guard, so that the CLI and the API read the same body the same way (no duplicate keys).
            if (Server.Infrastructure.JsonGuard.Check(System.Text.Encoding.UTF8.GetBytes(input)) is { } finding)
            {
                throw new CliInputException($"{finding.Path}: {finding.Message} [{finding.Code}]");
            }

            var outcome = FhirEvaluation.Evaluate(input, asOf);
            if (!outcome.IsValid)
            {
                // A failure prints its one error line only (cli.md): no warning before it.
                throw new CliInputException(ErrorLine(outcome.Errors));
            }

            if (asOf > DateOnly.FromDateTime(clock.GetLocalNow().DateTime))
            {
                // Allowed (planning, replay), never silent; stderr keeps stdout one document. Said only once the
                // evaluation has succeeded.
                io.Error.WriteLine($"msrelapse: warning: --as-of {asOf:yyyy-MM-dd} is after today's date; the recommendation is for that future date");
            }

            var recommendation = outcome.Recommendation!;
            if (asJson)
            {
                io.Out.WriteLine(RecommendationJson.Serialize(recommendation));
            }
            else if (asFhir)
            {
                io.Out.WriteLine(RecommendationFhirWriter.Serialize(recommendation));
            }
            else
            {
                Summary.Render(CalculatorOptions.Console(io), io.Out, recommendation);
            }

            return Program.Ok;
        });
        return command;
    }

    /// <summary>
    /// The largest input read (256 MB): a patient's Bundle is kilobytes to a few megabytes, and a path such as
    /// /dev/zero must end in a clear refusal, not in the process running out of memory.
    /// </summary>
    internal const long MaxInputBytes = 256L << 20;

    /// <summary>FHIR JSON is UTF-8 (a byte-order mark allowed): bytes that are not are refused, never read as replacement characters.</summary>
    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string ReadInput(string path, CliIo io)
    {
        if (path == "-")
        {
            return io.In.ReadToEnd();
        }

        byte[] bytes;
        try
        {
            bytes = ReadAtMost(path, MaxInputBytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var why = ex switch
            {
                FileNotFoundException or DirectoryNotFoundException => "no such file",
                UnauthorizedAccessException when Directory.Exists(path) => "it is a folder", // .NET reports a folder as access denied
                UnauthorizedAccessException => "permission denied",
                _ => "it could not be read",
            };
            throw new CliInputException($"cannot read '{path}': {why} (expected a FHIR R4 Bundle in JSON, or '-' for standard input)");
        }

        var text = bytes.AsSpan();
        ReadOnlySpan<byte> byteOrderMark = [0xEF, 0xBB, 0xBF];
        if (text.StartsWith(byteOrderMark))
        {
            text = text[byteOrderMark.Length..];
        }

        try
        {
            return StrictUtf8.GetString(text);
        }
        catch (System.Text.DecoderFallbackException ex)
        {
            // A Latin-1 "femále" read as UTF-8 would silently become "fem?le"; a code or unit could change the same way.
            throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"'{path}' is not UTF-8 text (an invalid byte near offset {Math.Max(ex.Index, 0)}); FHIR JSON is UTF-8: save it as UTF-8"));
        }
    }

    /// <summary>The file's bytes, refused past <paramref name="limit"/> (read in pieces: a device reports no length).</summary>
    private static byte[] ReadAtMost(string path, long limit)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        for (int read; (read = stream.Read(chunk, 0, chunk.Length)) > 0;)
        {
            if (buffer.Length + read > limit)
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"'{path}' is larger than {limit >> 20} MB (expected one patient's FHIR R4 Bundle)"));
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>One line for stderr (cli.md): the first error naming the resource and the problem, then "(+N more)".</summary>
    internal static string ErrorLine(IReadOnlyList<InputError> errors)
    {
        if (errors.Count == 0)
        {
            return "the input gave no recommendation";
        }

        var first = errors[0];
        var where = first.Source is { } s ? $"{s}: " : string.Empty;
        var more = errors.Count > 1 ? $" (+{errors.Count - 1} more)" : string.Empty;
        // Messages name resources and paths only; they never carry patient free text.
        return $"{where}{first.Message} [{first.Code}]{more}".ReplaceLineEndings(" ");
    }

    /// <summary>The clinician-readable summary.</summary>
    private static class Summary
    {
        private static string D(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—";

        /// <summary>A plan quantity in the shared words (Core.Contract.PlanNumbers), or "—".</summary>
        private static string Ml2(double? value, Func<double, string> words) => value is { } v ? words(v) : "—";

        private static string N(double? value, int decimals = 1) => value is { } v ? CalculatorOptions.Show(v, decimals) : "—";

        /// <summary>EDSS always with its half-step decimal (6.0, not 6).</summary>
        private static string Edss(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "—";

        private static string UrgencyText(Urgency urgency) => urgency switch
        {
            Urgency.Emergency => "EMERGENCY (same day)",
            Urgency.Urgent => "URGENT (within 24–48 h)",
            Urgency.Soon => "soon (within days)",
            _ => "routine (weeks)",
        };

        private static string Evidence(IEnumerable<string> ids) => ids.Any() ? $" [{string.Join(", ", ids)}]" : string.Empty;

        public static void Render(IAnsiConsole console, TextWriter o, Recommendation r)
        {
            console.Write(new Rule("[bold]MsRelapse[/] — MS relapse decision support").LeftJustified());
            o.WriteLine($"As of {D(r.AsOf)} · engine {r.Engine.Version} · knowledge base {r.Engine.KnowledgeBase}. It recommends; the clinician decides.");
            var age = r.Patient.AgeYears is { } a ? $"{a} y" : "age unknown";
            o.WriteLine($"Patient: {age}, {ClinicianWords.Of(WireNames.Of(r.Patient.Sex))}");
            o.WriteLine();

            var e = r.Episode;
            o.WriteLine("EPISODE");
            o.WriteLine($"  Status:    {ClinicianWords.Of(WireNames.Of(e.Status))}");
            o.WriteLine($"  Onset:     {D(e.Onset)}{e.DaysSinceOnset switch { null => string.Empty, 0 => " (today)", 1 => " (1 day ago)", var days => $" ({days} days ago)" }}");
            o.WriteLine($"  Severity:  {ClinicianWords.Of(WireNames.Of(e.Severity))}");
            var rise = e.Edss.Rise is { } rv ? $" (rise {(rv >= 0 ? "+" : string.Empty)}{Edss(rv)})" : string.Empty;
            o.WriteLine($"  EDSS:      baseline {Edss(e.Edss.Baseline)} · nadir {Edss(e.Edss.Nadir)} · latest {Edss(e.Edss.Latest)}{rise}");
            o.WriteLine($"  Treatment: {ClinicianWords.Of(WireNames.Of(e.TreatmentStage))}; steroid response {ClinicianWords.Of(WireNames.Of(e.SteroidResponse))}; apheresis response {ClinicianWords.Of(WireNames.Of(e.ApheresisResponse))}");
            o.WriteLine();

            var advice = r.Advice;
            console.Write(new Markup($"[bold]DO NOW: {Markup.Escape(ClinicianWords.Of(WireNames.Of(advice.Primary)))} — {Markup.Escape(UrgencyText(advice.Urgency))}[/]"));
            o.WriteLine();
            if (advice.Concurrent.Length > 0)
            {
                o.WriteLine($"  Together with: {string.Join(", ", advice.Concurrent.Select(c => ClinicianWords.Of(WireNames.Of(c))))}");
            }

            if (advice.ReassessOn is { } reassess)
            {
                o.WriteLine($"  Reassess on:   {D(reassess)}");
            }

            List("ALTERNATIVES", advice.Alternatives.Select(x => $"{ClinicianWords.Of(WireNames.Of(x.Action))} — {x.Reason}{Evidence(x.Evidence)}"), o);
            List("NOT RECOMMENDED", advice.NotRecommended.Select(x => $"{ClinicianWords.Of(WireNames.Of(x.Action))} — {x.Reason}{Evidence(x.Evidence)}"), o);
            Plan(r.Plan, o);
            // 2026.2: the apheresis response factors, each with its direction, its published effect and its source
            // (informational; never summed): the same words as the note on the FHIR apheresis request.
            List("APHERESIS RESPONSE FACTORS (published predictors; informational, not a score)", r.ApheresisResponseFactors.Select(ResponseFactorWords.Line), o);
            List("WARNINGS", r.Flags.Where(f => f.Severity != FlagSeverity.Info).Select(f => $"{ClinicianWords.Of(WireNames.Of(f.Severity))}: {f.Message}{Evidence(f.Evidence)}"), o);
            List("NOTES", r.Flags.Where(f => f.Severity == FlagSeverity.Info).Select(f => f.Message), o);
            List("MISSING DATA", r.MissingData.Select(m => $"{ClinicianWords.Of(WireNames.Of(m.Item))} — needed for {m.NeededFor}{(m.Blocking ? " (blocking)" : string.Empty)}"), o);
            List("WHY", r.Rationale.Select(x => $"{x.Rule}: {x.Text}{Evidence(x.Evidence)}"), o);
            List("HOW THE RECORD WAS READ", r.ReadingNotes, o);
            o.WriteLine($"Rules fired: {string.Join(", ", r.FiredRules)}");
        }

        private static void List(string title, IEnumerable<string> lines, TextWriter o)
        {
            var items = lines.ToList();
            if (items.Count == 0)
            {
                return;
            }

            o.WriteLine();
            o.WriteLine(title);
            foreach (var line in items)
            {
                o.WriteLine($"  - {line}");
            }
        }

        private static void Plan(TreatmentPlan plan, TextWriter o)
        {
            if (plan.Steroids is null && plan.PlasmaExchange is null && plan.Immunoadsorption is null)
            {
                return;
            }

            o.WriteLine();
            o.WriteLine("PLAN");
            if (plan.Steroids is { } s)
            {
                var dose = s.DoseMgPerDay is { } mg ? $"{PlanNumbers.Milligrams(mg)}/day" : s.DoseMgPerKgPerDay is { } kg ? $"{PlanNumbers.MilligramsPerKilogram(kg)}/day (dose needs a weight)" : "dose needs a weight";
                o.WriteLine($"  Steroids: {s.Drug} {ClinicianWords.Of(WireNames.Of(s.Route))} {dose} × {s.Days} days, {D(s.StartDate)} to {D(s.EndDate)}; reassess {D(s.ReassessOn)}");
                if (s.TotalDoseMg is { } total)
                {
                    o.WriteLine($"    total {PlanNumbers.Milligrams(total)} (prednisone equivalent {Ml2(s.PrednisoneEquivalentMg, PlanNumbers.Milligrams)}){(s.Infusion is { } inf ? $"; {inf}" : string.Empty)}");
                }

                if (s.AfterMriExcludesPml)
                {
                    o.WriteLine("    only after MRI has excluded PML");
                }

                if (s.Taper is { } taper)
                {
                    o.WriteLine($"    then {taper}");
                }

                foreach (var line in s.Monitoring.Concat(s.Notes))
                {
                    o.WriteLine($"    · {line}");
                }
            }

            if (plan.PlasmaExchange is { } t)
            {
                o.WriteLine($"  Plasma exchange: {t.Exchanges} exchanges of {N(t.PlasmaVolumesPerExchange, 2)} plasma volume, every other day: {t.Summary}");
                if (t.CourseEndsOn is { } end)
                {
                    o.WriteLine($"    course ends {D(end)}; reassess EDSS then and on {D(t.LateReassessOn)} (late responders)");
                }

                if (t.ExchangeVolumeMl is { } volume)
                {
                    o.WriteLine($"    blood volume {Ml2(t.TotalBloodVolumeMl, PlanNumbers.Millilitres)} ({t.Method}), plasma volume {Ml2(t.PlasmaVolumeMl, PlanNumbers.Millilitres)} (Kaplan cross-check {Ml2(t.KaplanPlasmaVolumeMl, PlanNumbers.Millilitres)}), exchange volume {PlanNumbers.Millilitres(volume)}");
                    o.WriteLine($"    replacement {t.ReplacementFluid}: {Ml2(t.AlbuminGramsPerExchange, PlanNumbers.Grams)} albumin ({t.AlbuminVialsPerExchange} vials of 12.5 g) per exchange");
                }
                else
                {
                    o.WriteLine("    volumes not computed (see missing data)");
                }

                o.WriteLine($"    schedule: {string.Join(", ", t.Schedule.Select(x => $"{x.Session}: {D(x.Date)}{(x.Done ? $" (given{(x.Kind is { } k ? ", " + WireNames.Of(k).Replace('-', ' ') : string.Empty)})" : string.Empty)}"))}");
                foreach (var line in t.Monitoring.Concat(t.Notes))
                {
                    o.WriteLine($"    · {line}");
                }
            }

            if (plan.Immunoadsorption is { } ia)
            {
                o.WriteLine($"  Immunoadsorption: {ia.Sessions} sessions: {ia.Summary}; processed plasma volume {ia.ProcessedPlasmaVolumesPerSession}");
                if (ia.CourseEndsOn is { } end)
                {
                    o.WriteLine($"    course ends {D(end)}; reassess EDSS then and on {D(ia.LateReassessOn)} (late responders)");
                }

                o.WriteLine($"    schedule: {string.Join(", ", ia.Schedule.Select(x => $"{x.Session}: {D(x.Date)}{(x.Done ? $" (given{(x.Kind is { } k ? ", " + WireNames.Of(k).Replace('-', ' ') : string.Empty)})" : string.Empty)}"))}");
            }
        }
    }
}
