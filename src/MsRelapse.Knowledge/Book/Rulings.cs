using System.Text.RegularExpressions;

namespace MsRelapse.Knowledge.Book;

/// <summary>One of the engine's rulings on a clause of clinical.md that allowed two readings (docs/pathway.md A1–A49).</summary>
/// <param name="Id">The ruling's stable id, e.g. <c>A49</c>.</param>
/// <param name="Summary">Its one-line summary: the bold title of its item in docs/pathway.md, as plain text.</param>
/// <param name="SettledBy">The clause of clinical.md 2026.2 that now settles it (empty when 2026.2 does not touch it).</param>
/// <param name="Status">"engine's reading" or "changed: …" when settled; empty otherwise (it remains the engine's reading).</param>
public sealed record Ruling(string Id, string Summary, string SettledBy, string Status)
{
    /// <summary>Whether knowledge base 2026.2 states the reading (the ruling is settled by the spec).</summary>
    public bool Settled => SettledBy.Length > 0;
}

/// <summary>
/// The rulings of docs/pathway.md ("Where clinical.md was ambiguous and what we chose" and the 2026.2 table of the
/// clauses that settle them), read from the document itself (embedded in this assembly at build time), so the book's
/// list cannot drift from it: a criterion that cites "(A49)" is explained by the list.
/// </summary>
public static partial class Rulings
{
    /// <summary>Name of the embedded copy of docs/pathway.md.</summary>
    public const string ResourceName = "MsRelapse.Knowledge.pathway.md";

    private static readonly Lazy<IReadOnlyList<Ruling>> Loaded = new(() => Parse(ReadEmbedded()));

    /// <summary>Every ruling in id order (empty when the document is not embedded).</summary>
    public static IReadOnlyList<Ruling> All => Loaded.Value;

    /// <summary>The rulings of a docs/pathway.md text.</summary>
    public static IReadOnlyList<Ruling> Parse(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var settled = new Dictionary<string, (string Clause, string Status)>(StringComparer.Ordinal);
        foreach (Match row in SettledRow().Matches(markdown))
        {
            settled[row.Groups["id"].Value] = (Plain(row.Groups["clause"].Value), Plain(row.Groups["status"].Value));
        }

        var items = Item().Matches(markdown).ToList();
        var rulings = new List<Ruling>();
        for (var i = 0; i < items.Count; i++)
        {
            var start = items[i].Index;
            var end = i + 1 < items.Count ? items[i + 1].Index : markdown.IndexOf("\n## ", start, StringComparison.Ordinal);
            var body = markdown[start..(end < 0 ? markdown.Length : end)];
            var id = items[i].Groups["id"].Value;
            var title = Title().Match(body);
            var summary = title.Success ? Plain(title.Groups["title"].Value) : string.Empty;
            var (clause, status) = settled.TryGetValue(id, out var s) ? s : (string.Empty, string.Empty);
            rulings.Add(new Ruling(id, summary, clause, status));
        }

        return rulings;
    }

    private static string ReadEmbedded()
    {
        using var stream = typeof(Rulings).Assembly.GetManifestResourceStream(ResourceName);
        if (stream is null)
        {
            return string.Empty;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Markdown to plain text: emphasis and code marks dropped, whitespace (line breaks) collapsed.</summary>
    private static string Plain(string markdown) =>
        string.Join(' ', markdown.Replace("**", string.Empty, StringComparison.Ordinal).Replace("`", string.Empty, StringComparison.Ordinal)
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Trim();

    /// <summary>"12. **A12** — " at the start of a line.</summary>
    [GeneratedRegex(@"^\d+\. \*\*(?<id>A\d+)\*\* — ", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Item();

    /// <summary>The item's first bold text after the id (the "(settled by 2026.2 …)" mark is italic, not bold).</summary>
    [GeneratedRegex(@"^\d+\. \*\*A\d+\*\* — (?:\*\([^)]*\)\* )?\*\*(?<title>.+?)\*\*", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Title();

    /// <summary>A row of the 2026.2 table: "| A3 | clause | status |".</summary>
    [GeneratedRegex(@"^\| (?<id>A\d+) \| (?<clause>.+?) \| (?<status>.+?) \|\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex SettledRow();
}
