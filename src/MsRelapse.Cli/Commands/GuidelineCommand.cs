using System.CommandLine;
using MsRelapse.Knowledge;
using MsRelapse.Knowledge.Book;

namespace MsRelapse.Cli.Commands;

/// <summary>
/// <c>msrelapse guideline --fhir [--out FILE]</c>: the pathway as FHIR R4 knowledge artifacts (a Bundle holding the
/// PlanDefinition, ActivityDefinitions, the Library of thresholds and one Evidence per evidence id);
/// <c>msrelapse guideline --html --out DIR</c>: the pathway book for a governance committee. Both are generated from
/// the engine's rule descriptors, thresholds, regimens and evidence table.
/// </summary>
internal static class GuidelineCommand
{
    public static Command Create(CliIo io) => Create(io, TimeProvider.System);

    /// <summary>The command, with the clock that dates the book (its approval section names the day it was generated).</summary>
    public static Command Create(CliIo io, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var command = new Command("guideline", "Publish the pathway: FHIR knowledge artifacts (--fhir) or the pathway book (--html --out DIR).");
        var fhir = new Option<bool>("--fhir") { Description = "Write the knowledge artifacts as a FHIR R4 Bundle (stdout, or --out FILE)." };
        var html = new Option<bool>("--html") { Description = "Write the pathway book (self-contained HTML) into --out DIR." };
        var output = new Option<string>("--out") { Description = "Output file (--fhir) or directory (--html)." };
        command.Options.Add(fhir);
        command.Options.Add(html);
        command.Options.Add(output);
        command.SetAction(parsed =>
        {
            var asFhir = parsed.GetValue(fhir);
            var asHtml = parsed.GetValue(html);
            var outPath = parsed.GetValue(output);
            if (asFhir == asHtml)
            {
                throw new CliInputException("choose one of --fhir and --html");
            }

            if (asFhir)
            {
                var json = KnowledgeArtifacts.Serialize();
                if (outPath is null)
                {
                    io.Out.WriteLine(json);
                }
                else
                {
                    Write(outPath, json);
                }

                return Program.Ok;
            }

            if (string.IsNullOrWhiteSpace(outPath))
            {
                throw new CliInputException("--html needs --out DIR (the folder the book is written to)");
            }

            string file;
            try
            {
                Directory.CreateDirectory(outPath);
                file = Path.Combine(outPath, "index.html");
                File.WriteAllText(file, PathwayBook.Render(DateOnly.FromDateTime(clock.GetLocalNow().DateTime)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliInputException($"cannot write the book into '{outPath}': {ex.Message}");
            }

            io.Out.WriteLine(file);
            return Program.Ok;
        });
        return command;
    }

    private static void Write(string path, string text)
    {
        try
        {
            File.WriteAllText(path, text + Environment.NewLine);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"cannot write '{path}': {ex.Message}");
        }
    }
}
