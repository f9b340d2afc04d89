using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.Json;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Evidence;

/// <summary>One evidence statement of the knowledge base (clinical.md, "Evidence ids").</summary>
/// <param name="Id">Stable id, e.g. <c>E-NICE-2022</c>.</param>
/// <param name="Citation">Source.</param>
/// <param name="Year">Publication year.</param>
/// <param name="Grade">GRADE/ASFA/AAN level where the fact sheet gives one, else "not graded".</param>
/// <param name="Supports">What it supports in the pathway.</param>
public sealed record EvidenceItem(string Id, string Citation, int Year, string Grade, string Supports);

/// <summary>
/// The versioned evidence table, an embedded JSON resource (<c>Evidence/evidence-2026.2.json</c>), loaded once.
/// Pure: the resource is part of the assembly, so reading it is not I/O in the engine's sense.
/// </summary>
public sealed class KnowledgeBase
{
    /// <summary>The knowledge-base version this build carries.</summary>
    public const string CurrentVersion = "2026.2";

    private static readonly Lazy<KnowledgeBase> Loaded = new(() => Load(CurrentVersion), LazyThreadSafetyMode.ExecutionAndPublication);

    // The result's form of each entry, made once: results share these immutable records rather than building
    // one per citation per evaluation (the engine is called thousands of times a second).
    private readonly FrozenDictionary<string, int> indexOf;

    private readonly EvidenceEntry[] cited;

    private KnowledgeBase(string version, ImmutableSortedDictionary<string, EvidenceItem> entries)
    {
        Version = version;
        Entries = entries;
        // Entries enumerate in ordinal id order, so index order is the order a result lists its evidence.
        cited = [.. entries.Values.Select(e => new EvidenceEntry(e.Id, e.Citation, e.Grade))];
        indexOf = entries.Keys.Select((id, i) => (id, i)).ToFrozenDictionary(x => x.id, x => x.i, StringComparer.Ordinal);
    }

    /// <summary>The knowledge base of this build (version 2026.2).</summary>
    public static KnowledgeBase Current => Loaded.Value;

    /// <summary>Version, e.g. "2026.1".</summary>
    public string Version { get; }

    /// <summary>Entries by id, ordinal order.</summary>
    public ImmutableSortedDictionary<string, EvidenceItem> Entries { get; }

    /// <summary>The entry with this id; throws for an unknown id (a defect in a rule, never bad input).</summary>
    public EvidenceItem Get(string id) =>
        Entries.TryGetValue(id, out var item) ? item : throw new KeyNotFoundException($"Evidence id {id} is not in knowledge base {Version}.");

    /// <summary>The entry with this id as a result cites it; throws for an unknown id (a defect in a rule, never bad input).</summary>
    public EvidenceEntry Cited(string id) => cited[IndexOf(id)];

    /// <summary>Number of entries (indices run from 0, in ordinal id order).</summary>
    internal int Count => cited.Length;

    /// <summary>The position of an id in ordinal id order; throws for an unknown id (a defect in a rule).</summary>
    internal int IndexOf(string id) =>
        indexOf.TryGetValue(id, out var index) ? index : throw new KeyNotFoundException($"Evidence id {id} is not in knowledge base {Version}.");

    /// <summary>The entry at <paramref name="index"/> (ordinal id order) as a result cites it.</summary>
    internal EvidenceEntry CitedAt(int index) => cited[index];

    /// <summary>Whether the id exists.</summary>
    public bool Contains(string id) => Entries.ContainsKey(id);

    private static KnowledgeBase Load(string version)
    {
        var name = $"MsRelapse.Core.Evidence.evidence-{version}.json";
        using var stream = typeof(KnowledgeBase).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded evidence table {name} is missing from the build.");
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        var declared = root.GetProperty("knowledgeBase").GetString();
        if (declared != version)
        {
            throw new InvalidOperationException($"Evidence table {name} declares version {declared}, expected {version}.");
        }

        var builder = ImmutableSortedDictionary.CreateBuilder<string, EvidenceItem>(StringComparer.Ordinal);
        foreach (var entry in root.GetProperty("entries").EnumerateArray())
        {
            var item = new EvidenceItem(
                entry.GetProperty("id").GetString()!,
                entry.GetProperty("citation").GetString()!,
                entry.GetProperty("year").GetInt32(),
                entry.GetProperty("grade").GetString()!,
                entry.GetProperty("supports").GetString()!);
            builder.Add(item.Id, item);
        }

        return new KnowledgeBase(version, builder.ToImmutable());
    }
}
