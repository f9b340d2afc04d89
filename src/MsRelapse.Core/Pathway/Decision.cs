using System.Collections.Immutable;
using System.Globalization;
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
    private readonly SortedDictionary<FlagCode, Flag> flags = [];
    private readonly List<RationaleEntry> rationale = [];
    private readonly SortedDictionary<MissingItem, MissingData> missing = [];
    private readonly List<string> firedRules = [];
    private readonly List<DataUsed> dataUsed = [];

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

    public IEnumerable<Flag> Flags => flags.Values;

    public IReadOnlyList<RationaleEntry> Rationale => rationale;

    public IEnumerable<MissingData> MissingItems => missing.Values;

    public IReadOnlyList<string> FiredRules => firedRules;

    public IReadOnlyList<DataUsed> DataUsed => dataUsed;

    public static bool IsSteroid(ActionCode a) =>
        a is ActionCode.OralMethylprednisolone or ActionCode.IvMethylprednisolone or ActionCode.EscalatedIvMethylprednisolone;

    public static bool IsApheresis(ActionCode a) => a is ActionCode.PlasmaExchange or ActionCode.Immunoadsorption;

    public static string F(double value) => value.ToString("0.0##", CultureInfo.InvariantCulture);

    public static string D(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public bool Has(ActionCode a) => Primary == a || concurrent.Contains(a) || alternatives.Any(x => x.Action == a);

    public bool IsPrimaryOrConcurrent(ActionCode a) => Primary == a || concurrent.Contains(a);

    public bool IsNotRecommended(ActionCode a) => notRecommended.Any(x => x.Action == a);

    public void Fire(string rule)
    {
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
        Urgency = Max(urgency, Floor);
        concurrent.Remove(action);
        alternatives.RemoveAll(x => x.Action == action);
        notRecommended.RemoveAll(x => x.Action == action);
        Fire(rule);
    }

    /// <summary>Replaces the primary; the old one goes to the front of the alternatives with the modifier's condition.</summary>
    public void DisplacePrimary(ActionCode action, string displacedReason, ImmutableArray<string> evidence, string rule)
    {
        var old = Primary;
        Primary = action;
        PrimaryRule = rule;
        concurrent.Remove(action);
        alternatives.RemoveAll(x => x.Action == action);
        notRecommended.RemoveAll(x => x.Action == action);
        if (old != action && !IsNotRecommended(old) && !concurrent.Contains(old))
        {
            alternatives.RemoveAll(x => x.Action == old);
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

        alternatives.RemoveAll(x => x.Action == action);
        concurrent.Add(action);
    }

    public void RemoveConcurrent(ActionCode action) => concurrent.Remove(action);

    public void AddAlternative(ActionCode action, string reason, params string[] evidence)
    {
        if (action == Primary || concurrent.Contains(action) || IsNotRecommended(action) || alternatives.Any(x => x.Action == action))
        {
            return;
        }

        alternatives.Add(new ActionWithReason(action, reason, [.. evidence]));
    }

    /// <summary>Moves an action (from concurrent, or re-words an alternative) into the alternatives with a condition, keeping its position if it was one.</summary>
    public void MoveToAlternatives(ActionCode action, string reason, params string[] evidence)
    {
        if (action == Primary || IsNotRecommended(action))
        {
            return;
        }

        concurrent.Remove(action);
        var index = alternatives.FindIndex(x => x.Action == action);
        var entry = new ActionWithReason(action, reason, [.. evidence]);
        if (index >= 0)
        {
            alternatives[index] = entry;
        }
        else
        {
            alternatives.Add(entry);
        }
    }

    /// <summary>Puts an action under not-recommended (removing it from concurrent and alternatives). The caller replaces a primary first.</summary>
    public void AddNotRecommended(ActionCode action, string reason, params string[] evidence)
    {
        if (action == Primary)
        {
            throw new InvalidOperationException("Replace the primary before marking it not recommended.");
        }

        concurrent.Remove(action);
        alternatives.RemoveAll(x => x.Action == action);
        if (!IsNotRecommended(action))
        {
            notRecommended.Add(new ActionWithReason(action, reason, [.. evidence]));
        }
    }

    public void AddFlag(FlagCode code, FlagSeverity severity, string message, params string[] evidence)
    {
        if (flags.TryGetValue(code, out var existing))
        {
            var merged = existing.Evidence.Union(evidence, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
            flags[code] = severity > existing.Severity
                ? new Flag(code, severity, message, merged)
                : existing with { Evidence = merged };
            return;
        }

        flags[code] = new Flag(code, severity, message, [.. evidence.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
    }

    public bool HasFlag(FlagCode code) => flags.ContainsKey(code);

    public void Explain(string rule, string text, params string[] evidence)
    {
        Fire(rule);
        rationale.Add(new RationaleEntry(rule, text, [.. evidence]));
    }

    public void Missing(MissingItem item, string neededFor, bool blocking)
    {
        if (missing.TryGetValue(item, out var existing))
        {
            if (blocking && !existing.Blocking)
            {
                missing[item] = existing with { Blocking = true, NeededFor = neededFor };
            }

            return;
        }

        missing[item] = new MissingData(item, neededFor, blocking);
    }

    public void Used(string item, double value, DateOnly? date, SourceRef source, string rule) =>
        Used(item, F(value), date, source, rule);

    public void Used(string item, string value, DateOnly? date, SourceRef source, string rule)
    {
        var entry = new DataUsed(item, value, date, source.ToString(), rule);
        if (!dataUsed.Contains(entry))
        {
            dataUsed.Add(entry);
        }
    }

    private static Urgency Max(Urgency a, Urgency b) => a >= b ? a : b;
}
