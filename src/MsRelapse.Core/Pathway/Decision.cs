using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using MsRelapse.Core.Model;

namespace MsRelapse.Core.Pathway;

/// <summary>
/// The recommendation while the rules build it (mutable, private to one evaluation). It keeps primary,
/// concurrent, alternatives and not-recommended disjoint (Evaluation order, step 5) and merges flags by code.
/// </summary>
internal sealed class Decision
{
    private readonly List<ActionCode> concurrent = [];
    private readonly List<ActionWithReason> alternatives = [];
    private readonly List<ActionWithReason> notRecommended = [];
    // Indexed by code: enumerating in index order is the output order (declaration order), with no sorting per call.
    private readonly Flag?[] flags = new Flag?[FlagCodeCount];
    // The long lists start at the size a typical evaluation reaches (≈ 20 rationale entries, ≈ 15 fired rules,
    // ≈ 10 data used), so they are not regrown (and copied) 4–5 times per evaluation.
    private readonly List<RationaleEntry> rationale = new(32);
    private readonly MissingData?[] missing = new MissingData?[MissingItemCount];
    private readonly List<string> firedRules = new(16);
    private readonly List<DataUsed> dataUsed = new(16);

    // The rule that first put each action into the recommendation (primary, concurrent or alternative): a plan
    // cites it in the rationale ("the rule that chose apheresis").
    private readonly string?[] placedBy = new string?[ActionCodeCount];

    // The rule being applied: the last one fired (AddConcurrent and AddAlternative are called inside it).
    private string lastRule = "R1";

    public Decision(EvaluationContext context) => Context = context;

    public EvaluationContext Context { get; }

    public EpisodeStatus Status { get; set; } = EpisodeStatus.NoEpisode;

    public ActionCode Primary { get; private set; } = ActionCode.Observe;

    /// <summary>The rule that set the primary (R6.5 needs to know whether apheresis was "chosen by R6.1, R6.4 or R8.1").</summary>
    public string PrimaryRule { get; private set; } = "R1";

    public Urgency Urgency { get; private set; } = Urgency.Routine;

    /// <summary>The lowest urgency that "at least" statements (R2.3, R3.1, R3.3, R8.2) have set.</summary>
    public Urgency Floor { get; private set; } = Urgency.Routine;

    public DateOnly? ReassessOn { get; set; }

    public TreatmentStage Stage { get; set; } = TreatmentStage.Untreated;

    public ResponseStatus SteroidResponse { get; set; } = ResponseStatus.NotApplicable;

    public ResponseStatus ApheresisResponse { get; set; } = ResponseStatus.NotApplicable;

    /// <summary>Whether the ongoing-relapse treatment rules (R5–R7) ran.</summary>
    public bool TreatmentRulesApplied { get; set; }

    public IReadOnlyList<ActionCode> Concurrent => concurrent;

    public IReadOnlyList<ActionWithReason> Alternatives => alternatives;

    public IReadOnlyList<ActionWithReason> NotRecommended => notRecommended;

    public IEnumerable<Flag> Flags => flags.OfType<Flag>();

    public IReadOnlyList<RationaleEntry> Rationale => rationale;

    public IEnumerable<MissingData> MissingItems => missing.OfType<MissingData>();

    /// <summary>The flags in output (code) order, as an immutable array built in one pass (no iterator, no growth).</summary>
    public ImmutableArray<Flag> FlagArray() => Compact(flags);

    /// <summary>The missing items in output (item) order, built as <see cref="FlagArray"/>.</summary>
    public ImmutableArray<MissingData> MissingArray() => Compact(missing);

    /// <summary>The lists of the decision as immutable arrays, each copied once from the list's span (Assemble).</summary>
    public (ImmutableArray<ActionCode> Concurrent, ImmutableArray<ActionWithReason> Alternatives, ImmutableArray<ActionWithReason> NotRecommended,
        ImmutableArray<RationaleEntry> Rationale, ImmutableArray<string> FiredRules, ImmutableArray<DataUsed> DataUsed) Arrays() =>
        ([.. CollectionsMarshal.AsSpan(concurrent)], [.. CollectionsMarshal.AsSpan(alternatives)], [.. CollectionsMarshal.AsSpan(notRecommended)],
         [.. CollectionsMarshal.AsSpan(rationale)], [.. CollectionsMarshal.AsSpan(firedRules)], [.. CollectionsMarshal.AsSpan(dataUsed)]);

    private static ImmutableArray<T> Compact<T>(T?[] slots)
        where T : class
    {
        var count = 0;
        foreach (var x in slots)
        {
            if (x is not null)
            {
                count++;
            }
        }

        if (count == 0)
        {
            return [];
        }

        var builder = ImmutableArray.CreateBuilder<T>(count);
        foreach (var x in slots)
        {
            if (x is not null)
            {
                builder.Add(x);
            }
        }

        return builder.MoveToImmutable();
    }

    /// <summary>Whether any missing-data item has been named.</summary>
    public bool AnyMissing => Array.Exists(missing, m => m is not null);

    public IReadOnlyList<string> FiredRules => firedRules;

    public IReadOnlyList<DataUsed> DataUsed => dataUsed;

    public static bool IsSteroid(ActionCode a) =>
        a is ActionCode.OralMethylprednisolone or ActionCode.IvMethylprednisolone or ActionCode.EscalatedIvMethylprednisolone;

    public static bool IsApheresis(ActionCode a) => a is ActionCode.PlasmaExchange or ActionCode.Immunoadsorption;

    /// <summary>The rule that first placed <paramref name="a"/> in the recommendation, if it was placed.</summary>
    public string? PlacedBy(ActionCode a) => placedBy[(int)a];

    public bool Has(ActionCode a) => Primary == a || concurrent.Contains(a) || IndexOf(alternatives, a) >= 0;

    public bool IsPrimaryOrConcurrent(ActionCode a) => Primary == a || concurrent.Contains(a);

    /// <summary>Whether any of <paramref name="actions"/> is in the recommendation (a loop: no delegate per call, unlike <c>Any(d.Has)</c>).</summary>
    public bool HasAny(ReadOnlySpan<ActionCode> actions)
    {
        foreach (var a in actions)
        {
            if (Has(a))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether any of <paramref name="actions"/> is the primary or concurrent (as <see cref="HasAny"/>).</summary>
    public bool AnyPrimaryOrConcurrent(ReadOnlySpan<ActionCode> actions)
    {
        foreach (var a in actions)
        {
            if (IsPrimaryOrConcurrent(a))
            {
                return true;
            }
        }

        return false;
    }

    public bool IsNotRecommended(ActionCode a) => IndexOf(notRecommended, a) >= 0;

    public void Fire(string rule)
    {
        lastRule = rule;
        if (!firedRules.Contains(rule))
        {
            firedRules.Add(rule);
        }
    }

    /// <summary>Sets the primary and its urgency (never below the floor), removing the action from every other list.</summary>
    public void SetPrimary(ActionCode action, Urgency urgency, string rule)
    {
        Primary = action;
        PrimaryRule = rule;
        placedBy[(int)action] ??= rule;
        Urgency = Max(urgency, Floor);
        concurrent.Remove(action);
        Remove(alternatives, action);
        Remove(notRecommended, action);
        Fire(rule);
    }

    /// <summary>Replaces the primary; the old one goes to the front of the alternatives with the modifier's condition (A22).</summary>
    public void DisplacePrimary(ActionCode action, string displacedReason, ImmutableArray<string> evidence, string rule)
    {
        var old = Primary;
        Primary = action;
        PrimaryRule = rule;
        placedBy[(int)action] ??= rule;
        concurrent.Remove(action);
        Remove(alternatives, action);
        Remove(notRecommended, action);
        if (old != action && !IsNotRecommended(old) && !concurrent.Contains(old))
        {
            Remove(alternatives, old);
            alternatives.Insert(0, new ActionWithReason(old, displacedReason, evidence));
        }

        Fire(rule);
    }

    /// <summary>Raises urgency (the highest that any rule sets or raises).</summary>
    public void Raise(Urgency urgency) => Urgency = Max(Urgency, urgency);

    /// <summary>"At least": raises urgency now and keeps it as a floor for later lowering.</summary>
    public void RaiseFloor(Urgency urgency)
    {
        Floor = Max(Floor, urgency);
        Raise(urgency);
    }

    /// <summary>Sets urgency to a lower value where a rule explicitly may (R8.2, R8.3 item 2, demotions), never below the floor.</summary>
    public void Lower(Urgency urgency, Urgency floor) => Urgency = Max(Max(urgency, floor), Floor);

    public void AddConcurrent(ActionCode action)
    {
        if (action == Primary || concurrent.Contains(action) || IsNotRecommended(action))
        {
            return;
        }

        Remove(alternatives, action);
        concurrent.Add(action);
        placedBy[(int)action] ??= lastRule;
    }

    public void RemoveConcurrent(ActionCode action) => concurrent.Remove(action);

    public void AddAlternative(ActionCode action, string reason, params ReadOnlySpan<string> evidence)
    {
        if (action == Primary || concurrent.Contains(action) || IsNotRecommended(action) || IndexOf(alternatives, action) >= 0)
        {
            return;
        }

        alternatives.Add(new ActionWithReason(action, reason, Cited(evidence)));
        placedBy[(int)action] ??= lastRule;
    }

    /// <summary>Moves an action (from concurrent, or re-words an alternative) into the alternatives with a condition, keeping its position if it was one.</summary>
    public void MoveToAlternatives(ActionCode action, string reason, params ReadOnlySpan<string> evidence)
    {
        if (action == Primary || IsNotRecommended(action))
        {
            return;
        }

        concurrent.Remove(action);
        var index = IndexOf(alternatives, action);
        var entry = new ActionWithReason(action, reason, Cited(evidence));
        if (index >= 0)
        {
            alternatives[index] = entry;
        }
        else
        {
            alternatives.Add(entry);
        }

        placedBy[(int)action] ??= lastRule;
    }

    /// <summary>As <see cref="Explain(string, string, ReadOnlySpan{string})"/>, citing a shared immutable list as it is (no copy).</summary>
    public void Explain(string rule, string text, ImmutableArray<string> evidence)
    {
        Fire(rule);
        rationale.Add(new RationaleEntry(rule, text, evidence));
    }

    /// <summary>Puts an action under not-recommended (removing it from concurrent and alternatives). The caller replaces a primary first.</summary>
    public void AddNotRecommended(ActionCode action, string reason, params ReadOnlySpan<string> evidence)
    {
        if (action == Primary)
        {
            throw new InvalidOperationException("Replace the primary before marking it not recommended.");
        }

        concurrent.Remove(action);
        Remove(alternatives, action);
        if (!IsNotRecommended(action))
        {
            notRecommended.Add(new ActionWithReason(action, reason, Cited(evidence)));
        }
    }

    public void AddFlag(FlagCode code, FlagSeverity severity, string message, params ReadOnlySpan<string> evidence)
    {
        if (flags[(int)code] is { } existing)
        {
            var merged = existing.Evidence.Union(evidence.ToArray(), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
            flags[(int)code] = severity > existing.Severity
                ? new Flag(code, severity, message, merged)
                : existing with { Evidence = merged };
            return;
        }

        flags[(int)code] = new Flag(code, severity, message, evidence.Length switch
        {
            0 => [],
            1 => Cited(evidence),
            _ => [.. evidence.ToArray().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        });
    }

    public bool HasFlag(FlagCode code) => flags[(int)code] is not null;

    public void Explain(string rule, string text, params ReadOnlySpan<string> evidence)
    {
        Fire(rule);
        rationale.Add(new RationaleEntry(rule, text, Cited(evidence)));
    }

    public void Missing(MissingItem item, string neededFor, bool blocking)
    {
        if (missing[(int)item] is { } existing)
        {
            if (blocking && !existing.Blocking)
            {
                missing[(int)item] = existing with { Blocking = true, NeededFor = neededFor };
            }

            return;
        }

        missing[(int)item] = new MissingData(item, neededFor, blocking);
    }

    public void Used(string item, double value, DateOnly? date, SourceRef source, string rule) =>
        Used(item, Text.Number(value), date, source, rule);

    public void Used(string item, string value, DateOnly? date, SourceRef source, string rule)
    {
        var entry = new DataUsed(item, value, date, source.ToString(), rule);
        if (!dataUsed.Contains(entry))
        {
            dataUsed.Add(entry);
        }
    }

    // Most citations are one evidence id: its one-element array is made once per id and shared (immutable), and
    // the ids come as a params span, so a call site allocates no string[] either (figures: benchmarks/README.md).
    private static readonly ConcurrentDictionary<string, ImmutableArray<string>> SingleCitations = new(StringComparer.Ordinal);

    private static ImmutableArray<string> Cited(ReadOnlySpan<string> evidence) => evidence.Length switch
    {
        0 => [],
        1 => SingleCitations.GetOrAdd(evidence[0], static id => [id]),
        _ => [.. evidence],
    };

    private static Urgency Max(Urgency a, Urgency b) => a >= b ? a : b;

    // Loops rather than lambdas: these run many times per evaluation, and a capturing lambda allocates each call.
    private static int IndexOf(List<ActionWithReason> list, ActionCode action)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Action == action)
            {
                return i;
            }
        }

        return -1;
    }

    private static void Remove(List<ActionWithReason> list, ActionCode action)
    {
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (list[i].Action == action)
            {
                list.RemoveAt(i);
            }
        }
    }

    private static readonly int FlagCodeCount = Enum.GetValues<FlagCode>().Length;

    private static readonly int ActionCodeCount = Enum.GetValues<ActionCode>().Length;

    private static readonly int MissingItemCount = Enum.GetValues<MissingItem>().Length;
}
