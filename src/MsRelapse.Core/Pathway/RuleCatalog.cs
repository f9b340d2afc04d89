using System.Collections.Immutable;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway.Rules;

namespace MsRelapse.Core.Pathway;

/// <summary>
/// One criterion of a rule: its text and, where the rule decides it on its own, the rule's decision for a record
/// (so that an adapter that restates the criterion — FHIRPath in the knowledge artifacts — can be checked against
/// the engine on every vignette).
/// </summary>
/// <param name="Id">Stable id within the knowledge base, e.g. <c>R3.1-nmosd</c>.</param>
/// <param name="Text">The criterion in words (clinical.md).</param>
/// <param name="Decide">The engine's own decision of the criterion for a record at a date; null when the
/// criterion is not a standalone decision of the engine.</param>
public sealed record RuleCriterion(string Id, string Text, Func<PatientRecord, DateOnly, bool>? Decide = null);

/// <summary>A change to a rule in a knowledge-base version (the book's change log).</summary>
/// <param name="Version">Knowledge-base version that made the change, e.g. <c>2026.2</c>.</param>
/// <param name="Text">What changed, in words.</param>
/// <param name="Clause">Where clinical.md states it.</param>
public sealed record RuleChange(string Version, string Text, string Clause = "");

/// <summary>
/// What a rule is, for people and for knowledge artifacts: id, title, plain-language description, criteria, the
/// actions it can recommend, its urgency, its evidence and the names of the <see cref="Thresholds"/> members it
/// reads. Each rule file declares its own descriptor beside its logic; <see cref="RuleCatalog"/> lists them in
/// evaluation order.
/// </summary>
public sealed record RuleDescriptor
{
    /// <summary>Rule id, e.g. <c>R6</c> or <c>R6.4</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Short title.</summary>
    public required string Title { get; init; }

    /// <summary>What the rule does, in plain language.</summary>
    public required string Description { get; init; }

    /// <summary>When it applies, criterion by criterion.</summary>
    public ImmutableArray<RuleCriterion> Criteria { get; init; } = [];

    /// <summary>Actions the rule can recommend (primary, concurrent or alternative), in the order it names them.</summary>
    public ImmutableArray<ActionCode> Actions { get; init; } = [];

    /// <summary>Actions the rule can put under "not recommended".</summary>
    public ImmutableArray<ActionCode> NotRecommended { get; init; } = [];

    /// <summary>The urgency the rule sets or raises, in words (empty when it sets none).</summary>
    public string Urgency { get; init; } = string.Empty;

    /// <summary>Evidence ids the rule cites (knowledge base evidence table).</summary>
    public ImmutableArray<string> Evidence { get; init; } = [];

    /// <summary>Names of the <see cref="Thresholds"/> members the rule reads (compile-checked with <c>nameof</c>).</summary>
    public ImmutableArray<string> Thresholds { get; init; } = [];

    /// <summary>Sub-rules in evaluation order (e.g. R2.1 … R2.6).</summary>
    public ImmutableArray<RuleDescriptor> SubRules { get; init; } = [];

    /// <summary>Changes to this rule by knowledge-base version (from <see cref="KnowledgeBaseChanges"/>).</summary>
    public ImmutableArray<RuleChange> Changes => [.. KnowledgeBaseChanges.For(Id).Select(c => new RuleChange(c.Version, c.Text, c.Clause))];

    /// <summary>This rule and its sub-rules, depth first.</summary>
    public IEnumerable<RuleDescriptor> SelfAndSubRules()
    {
        yield return this;
        foreach (var sub in SubRules)
        {
            foreach (var s in sub.SelfAndSubRules())
            {
                yield return s;
            }
        }
    }
}

/// <summary>
/// Every rule's descriptor in the engine's evaluation order (clinical.md "Evaluation order"; the order in which
/// <c>Orchestrator</c> calls the rules): R0, R1, R2, R4, R3, R5, R6, R7, R8, R9. The knowledge artifacts and the
/// pathway book are generated from this list, so they cannot drift from the rule files.
/// </summary>
public static class RuleCatalog
{
    /// <summary>The top-level rules in evaluation order.</summary>
    public static ImmutableArray<RuleDescriptor> InEvaluationOrder { get; } =
    [
        R0Validation.Descriptor,
        R1Attack.Descriptor,
        R2Status.Descriptor,
        R4Severity.Descriptor,
        R3Differential.Descriptor,
        R5FirstLine.Descriptor,
        R6SteroidResponse.Descriptor,
        R7Apheresis.Descriptor,
        R8Safety.Descriptor,
        R9People.Descriptor,
    ];

    /// <summary>Every rule and sub-rule, depth first in evaluation order.</summary>
    public static IEnumerable<RuleDescriptor> All => InEvaluationOrder.SelectMany(r => r.SelfAndSubRules());

    /// <summary>Every rule that has no sub-rules (the units a vignette exercises).</summary>
    public static IEnumerable<RuleDescriptor> Leaves => All.Where(r => r.SubRules.IsEmpty);

    /// <summary>The rule with this id, or null.</summary>
    public static RuleDescriptor? Find(string id) => All.FirstOrDefault(r => r.Id == id);

    /// <summary>A criterion decided by a fresh evaluation context (the same facts the rules read).</summary>
    internal static Func<PatientRecord, DateOnly, bool> Decided(Func<EvaluationContext, bool> fact) =>
        (record, asOf) => fact(new EvaluationContext(record, asOf));
}
