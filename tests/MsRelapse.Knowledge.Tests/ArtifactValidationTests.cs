using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using MsRelapse.Core.Evidence;
using MsRelapse.Core.Pathway;
using Canonical = Hl7.Fhir.Model.Canonical;

// Firely's POCO elements are all nullable; a null here is a test failure, reported as such.
#pragma warning disable CS8600, CS8602

namespace MsRelapse.Knowledge.Tests;

/// <summary>Every knowledge artifact validates against the FHIR R4 base definitions (Firely's validator).</summary>
public sealed class ArtifactValidationTests
{
    private static readonly Lazy<Validator> SharedValidator = new(() =>
    {
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(source, new LocalTerminologyService(source));
    });

    public static TheoryData<string> ArtifactKeys() => [.. KnowledgeArtifacts.All().Select(r => $"{r.TypeName}/{r.Id}")];

    [Theory]
    [MemberData(nameof(ArtifactKeys))]
    public void Artifact_validates_against_the_R4_base_definitions(string key)
    {
        var parts = key.Split('/');
        var resource = KnowledgeArtifacts.Find(parts[0], parts[1])!;
        var outcome = SharedValidator.Value.Validate(resource);
        var errors = outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).ToList();
        Assert.True(errors.Count == 0, $"{key}:\n" + string.Join("\n", errors.Select(e => $"{e.Expression.FirstOrDefault()}: {e.Details?.Text ?? e.Diagnostics}")));
    }

    // A validator that accepts anything would make the test above vacuous: a broken artifact must be rejected.
    [Fact]
    public void Validator_rejects_a_plan_definition_without_a_status()
    {
        var broken = (PlanDefinition)KnowledgeArtifacts.Find("PlanDefinition", KnowledgeArtifacts.PlanDefinitionId)!.DeepCopy();
        broken.Status = null;
        var outcome = SharedValidator.Value.Validate(broken);
        Assert.Contains(outcome.Issue, i => i.Severity == OperationOutcome.IssueSeverity.Error);
    }

    [Fact]
    public void Plan_definition_is_a_clinical_protocol_versioned_as_the_knowledge_base_with_one_action_per_rule_in_evaluation_order()
    {
        var plan = (PlanDefinition)KnowledgeArtifacts.Find("PlanDefinition", KnowledgeArtifacts.PlanDefinitionId)!;
        Assert.Equal("clinical-protocol", plan.Type.Coding[0].Code);
        Assert.Equal(KnowledgeBase.Current.Version, plan.Version);
        Assert.Equal(["R0", "R1", "R2", "R4", "R3", "R5", "R6", "R7", "R8", "R9"], plan.Action.Select(a => a.Prefix));
        Assert.Equal(["R2.1", "R2.2", "R2.3", "R2.4", "R2.5", "R2.6"], plan.Action.Single(a => a.Prefix == "R2").Action.Where(a => a.Prefix is not null).Select(a => a.Prefix).Take(6));
        foreach (var action in Flatten(plan.Action).Where(a => a.Prefix is not null))
        {
            Assert.False(string.IsNullOrWhiteSpace(action.Title), action.Prefix);
            Assert.False(string.IsNullOrWhiteSpace(action.Description), action.Prefix);
        }
    }

    [Fact]
    public void Every_evidence_id_is_cited_and_has_an_evidence_resource_with_its_grade()
    {
        var all = KnowledgeArtifacts.All();
        foreach (var entry in KnowledgeBase.Current.Entries.Values)
        {
            var evidence = Assert.IsType<Evidence>(all.Single(r => r is Evidence && r.Id == entry.Id));
            Assert.Contains(evidence.Note, n => n.Text == $"Grade: {entry.Grade}");
        }

        var plan = (PlanDefinition)all[0];
        var cited = Flatten(plan.Action).SelectMany(a => a.Documentation).Select(d => d.Label).ToHashSet();
        foreach (var rule in RuleCatalog.All)
        {
            Assert.All(rule.Evidence, id => Assert.Contains(id, cited));
        }
    }

    [Fact]
    public void Every_orderable_action_a_rule_names_points_to_its_activity_definition()
    {
        var all = KnowledgeArtifacts.All();
        var plan = (PlanDefinition)all[0];
        var canonicals = all.OfType<ActivityDefinition>().Select(a => a.Url).ToHashSet();
        var linked = Flatten(plan.Action).Where(a => a.Definition is Canonical).Select(a => ((Canonical)a.Definition).Value).ToList();
        Assert.NotEmpty(linked);
        Assert.All(linked, url => Assert.Contains(url, canonicals));
        Assert.Equal(canonicals.Order(), linked.Distinct().Order());
    }

    [Fact]
    public void Oral_methylprednisolone_is_dosed_from_the_regimen_and_coded_as_the_writer_codes_it()
    {
        var oral = (ActivityDefinition)KnowledgeArtifacts.Find("ActivityDefinition", "oral-methylprednisolone")!;
        var dose = (Quantity)oral.Dosage[0].DoseAndRate[0].Dose;
        Assert.Equal((decimal)Core.Steroids.SteroidRegimens.OralStandard.DoseMgPerDay, dose.Value);
        Assert.Equal(Core.Steroids.SteroidRegimens.OralStandard.Days, oral.Dosage[0].Timing.Repeat.Count);
        Assert.Equal("26643006", oral.Dosage[0].Route.Coding[0].Code);
        Assert.Contains(((CodeableConcept)oral.Product).Coding, c => c.Code == "6902");
        var tpe = (ActivityDefinition)KnowledgeArtifacts.Find("ActivityDefinition", "plasma-exchange")!;
        Assert.Contains(tpe.Code.Coding, c => c.Code == "36514");
        Assert.Equal(Thresholds.ApheresisCourseSessions, ((Timing)tpe.Timing).Repeat.Count);
    }

    [Fact]
    public void Library_carries_every_threshold_as_a_named_parameter_with_its_value()
    {
        var library = (Library)KnowledgeArtifacts.Find("Library", KnowledgeArtifacts.LibraryId)!;
        var fields = typeof(Thresholds).GetFields().Where(f => f.IsLiteral).ToList();
        Assert.True(fields.Count > 50);
        foreach (var field in fields)
        {
            var parameter = library.Parameter.Single(p => p.Name == field.Name);
            var value = Convert.ToDecimal(field.GetValue(null), System.Globalization.CultureInfo.InvariantCulture);
            Assert.StartsWith($"= {value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)}.", parameter.Documentation);
        }

        Assert.Contains(library.Parameter, p => p.Documentation.Contains("(choice)", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_threshold_a_rule_names_exists_and_every_rule_has_a_title_and_description()
    {
        foreach (var rule in RuleCatalog.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(rule.Title));
            Assert.False(string.IsNullOrWhiteSpace(rule.Description));
            Assert.All(rule.Thresholds, t => ThresholdCatalog.Get(t));
        }
    }

    internal static IEnumerable<PlanDefinition.ActionComponent> Flatten(IEnumerable<PlanDefinition.ActionComponent> actions) =>
        actions.SelectMany(a => new[] { a }.Concat(Flatten(a.Action)));
}
