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
    internal static readonly Lazy<Validator> SharedValidator = new(() =>
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
        Assert.Equal(["R2.1", "R2.2", "R2.2a", "R2.3", "R2.4", "R2.5", "R2.6"], plan.Action.Single(a => a.Prefix == "R2").Action.Where(a => a.Prefix is not null).Select(a => a.Prefix));
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

    // A rule the engine fires or cites in a rationale must be published: R2.2a (2026.2) fired and was cited, with no
    // action in the PlanDefinition and no section in the book. Derived from the engine's answers on every vignette.
    [Fact]
    public void Every_rule_the_engine_fires_or_cites_on_the_vignettes_is_an_action_of_the_plan_definition()
    {
        var plan = (PlanDefinition)KnowledgeArtifacts.Find("PlanDefinition", KnowledgeArtifacts.PlanDefinitionId)!;
        var published = Flatten(plan.Action).Select(a => a.Prefix).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var used = Book.PathwayBook.EvaluateVignettes().SelectMany(v => v.Rules).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("R2.2a", used);
        Assert.All(used, id => Assert.True(published.Contains(id), $"the engine fires or cites {id}, which the PlanDefinition does not publish"));
        Assert.All(used, id => Assert.NotNull(RuleCatalog.Find(id)));
    }

    // 2026.2 R2.2a, as clinical.md states it: what counts as last activity, the recurrence/relapse exemption, the
    // outputs and the flag's message (the rule's own text, with DATE and ID).
    [Fact]
    public void R2_2a_is_published_with_its_criteria_outputs_and_flag_message()
    {
        var rule = RuleCatalog.Find("R2.2a")!;
        var criteria = string.Join("\n", rule.Criteria.Select(c => c.Text));
        Assert.Contains($"more than {Thresholds.UnclosedTreatedAttackDays} days", criteria, StringComparison.Ordinal);
        Assert.Contains($"more than {Thresholds.UnclosedUntreatedAttackDays} days", criteria, StringComparison.Ordinal);
        Assert.Contains("transient records excluded", criteria, StringComparison.Ordinal);
        Assert.Contains("recurrence or relapse is never aged out", criteria, StringComparison.Ordinal);
        Assert.Contains("no reassessment date", criteria, StringComparison.Ordinal);
        Assert.Contains("\"A relapse record from DATE (ID) was never closed and is too old to be read as a current attack.", criteria, StringComparison.Ordinal);
        Assert.Equal([Core.Pathway.ActionCode.Observe], rule.Actions.ToArray());
        Assert.Contains(rule.Changes, c => c.Version == "2026.2");
    }

    // 2026.2 R3.1: emergency plasma exchange within 42 days, urgent after, a specialist decision after 90 days
    // ("choice, as R6.5"); the 2026.1 text ("an untreated attack gets plasma exchange now", "emergency (untreated
    // attack)") is gone.
    [Fact]
    public void R3_1_states_the_42_and_90_day_windows_of_2026_2()
    {
        var rule = RuleCatalog.Find("R3.1")!;
        var text = rule.Description + "\n" + string.Join("\n", rule.Criteria.Select(c => c.Text)) + "\n" + rule.Urgency;
        Assert.DoesNotContain("gets plasma exchange now", text, StringComparison.Ordinal);
        Assert.DoesNotContain("emergency (untreated attack);", text, StringComparison.Ordinal);
        Assert.Contains($"More than {Thresholds.SteroidsTooLateDays} days after onset: urgent, and flag apheresis-delayed", text, StringComparison.Ordinal);
        Assert.Contains($"More than {Thresholds.ApheresisTooLateDays} days after onset (choice, as R6.5): primary specialist review, urgent", text, StringComparison.Ordinal);
        Assert.Equal([nameof(Thresholds.SteroidsTooLateDays), nameof(Thresholds.ApheresisTooLateDays)], rule.Thresholds.ToArray());
        Assert.True(ThresholdCatalog.Get(nameof(Thresholds.ApheresisTooLateDays)).IsChoice);
        Assert.Contains("R3.1", ThresholdCatalog.Get(nameof(Thresholds.ApheresisTooLateDays)).Documentation, StringComparison.Ordinal);
    }

    // 2026.2 R9: no dmt-review beside possible-nmosd; beside possible-mogad the MOGAD wording.
    [Fact]
    public void R9_dmt_review_states_the_nmosd_exception_and_the_mogad_wording()
    {
        var text = RuleCatalog.Find("R9")!.Criteria.Single(c => c.Id == "R9-dmt-review").Text;
        Assert.DoesNotContain("A relapse: review disease-modifying therapy.", text, StringComparison.Ordinal);
        Assert.Contains("not with possible-nmosd", text, StringComparison.Ordinal);
        Assert.Contains("review maintenance therapy with MOGAD expertise (MS disease-modifying drugs are not an established MOGAD treatment)", text, StringComparison.Ordinal);
    }

    // F4: the /fhir/metadata CapabilityStatement validates (cpb-14: kind instance needs implementation) and has a name.
    [Theory]
    [InlineData("http://localhost:5080/fhir")]
    [InlineData(null)]
    public void Capability_statement_validates_with_its_name_and_implementation(string? baseUrl)
    {
        var statement = KnowledgeArtifacts.Capabilities("2026-05-11", baseUrl);
        var outcome = SharedValidator.Value.Validate(statement);
        var errors = outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Expression.FirstOrDefault()}: {e.Details?.Text ?? e.Diagnostics}")));
        Assert.False(string.IsNullOrWhiteSpace(statement.Name));
        if (baseUrl is null)
        {
            Assert.Equal(CapabilityStatementKind.Capability, statement.Kind);
            Assert.Null(statement.Implementation);
        }
        else
        {
            Assert.Equal(CapabilityStatementKind.Instance, statement.Kind);
            Assert.Equal(baseUrl, statement.Implementation.Url);
            Assert.False(string.IsNullOrWhiteSpace((statement.Implementation.DescriptionElement as FhirString)?.Value));
        }

        // The validator checks the invariant (the test is not vacuous): an instance statement without implementation fails.
        var broken = (CapabilityStatement)KnowledgeArtifacts.Capabilities("2026-05-11", "http://localhost/fhir").DeepCopy();
        broken.Implementation = null;
        Assert.Contains(SharedValidator.Value.Validate(broken).Issue, i => i.Severity == OperationOutcome.IssueSeverity.Error && (i.Details?.Text ?? i.Diagnostics ?? string.Empty).Contains("cpb-14", StringComparison.Ordinal));
    }

    // F7: the numbers clinical.md uses in the plasma exchange plan are Library parameters, read from the calculator's
    // constants (one source); the engine's own choices are not marked as the spec's.
    [Fact]
    public void Library_carries_the_plasma_exchange_constants_and_marks_engine_choices_apart()
    {
        var library = (Library)KnowledgeArtifacts.Find("Library", KnowledgeArtifacts.LibraryId)!;
        foreach (var (name, value) in new[]
                 {
                     (nameof(Core.Apheresis.PlasmaExchangePlanner.KaplanBloodVolumeLitresPerKg), Core.Apheresis.PlasmaExchangePlanner.KaplanBloodVolumeLitresPerKg),
                     (nameof(Core.Apheresis.PlasmaExchangePlanner.ChildBloodVolumeMlPerKg), Core.Apheresis.PlasmaExchangePlanner.ChildBloodVolumeMlPerKg),
                     (nameof(Core.Apheresis.PlasmaExchangePlanner.WeightBasedBelowKg), Core.Apheresis.PlasmaExchangePlanner.WeightBasedBelowKg),
                     (nameof(Core.Apheresis.PlasmaExchangePlanner.IntravascularIgGFraction), Core.Apheresis.PlasmaExchangePlanner.IntravascularIgGFraction),
                     (nameof(Core.Apheresis.PlasmaExchangePlanner.AlbuminGramsPerMl), Core.Apheresis.PlasmaExchangePlanner.AlbuminGramsPerMl),
                     (nameof(Core.Apheresis.PlasmaExchangePlanner.AlbuminGramsPerVial), Core.Apheresis.PlasmaExchangePlanner.AlbuminGramsPerVial),
                     (nameof(Core.Apheresis.PlasmaExchangePlanner.NadlerMaleWeightLitresPerKg), Core.Apheresis.PlasmaExchangePlanner.NadlerMaleWeightLitresPerKg),
                 })
        {
            var parameter = library.Parameter.Single(p => p.Name == name);
            Assert.StartsWith($"= {((decimal)value).ToString("0.##########", System.Globalization.CultureInfo.InvariantCulture)}.", parameter.Documentation, StringComparison.Ordinal);
        }

        Assert.Equal(0.065, Core.Apheresis.PlasmaExchangePlanner.KaplanBloodVolumeLitresPerKg);
        Assert.Contains("= 0.03219.", library.Parameter.Single(p => p.Name == nameof(Core.Apheresis.PlasmaExchangePlanner.NadlerMaleWeightLitresPerKg)).Documentation, StringComparison.Ordinal);
        foreach (var name in new[] { nameof(Thresholds.RecoveryMonth1Days), nameof(Thresholds.RecoveryMonth3Days), nameof(Thresholds.RecoveryMonth6Days), nameof(Thresholds.DaysPerYear) })
        {
            var entry = ThresholdCatalog.Get(name);
            Assert.False(entry.IsChoice, $"{name} is the engine's choice, not the spec's");
            Assert.True(entry.IsEngineChoice, name);
        }

        Assert.All(new[] { nameof(Thresholds.TpeVolumeCheckPercent), nameof(Thresholds.UnclosedTreatedAttackDays), nameof(Thresholds.NewlyWheelchairEdss) }, n => Assert.True(ThresholdCatalog.Get(n).IsChoice, n));
    }

    // F9: citations as clinical-evidence.md gives them, never a title the sheet does not give (E-STOPPE-2017 read
    // "Management of MS relapses: response to IV methylprednisolone", a title found nowhere in the sheet).
    [Fact]
    public void Evidence_citations_use_the_fact_sheets_wording_without_invented_titles()
    {
        var kb = KnowledgeBase.Current;
        Assert.Equal("Stoppe et al., BMC Neurol 2017;17:151", kb.Get("E-STOPPE-2017").Citation);
        Assert.Equal("Magaña 2011. Arch Neurol 2011;68:870-8 (PMID 21403003)", kb.Get("E-MAGANA-2011").Citation);
        foreach (var invented in new[]
                 {
                     "Management of MS relapses", "Therapeutic plasma exchange in steroid-unresponsive relapses", "Beneficial plasma exchange response",
                     "Plasma exchange for acute attacks", "A randomized trial of plasma exchange", "Fibrinogen and bleeding", "Prediction of blood volume",
                     "A simple and accurate method", "Effectiveness and safety of plasma exchange", "Removal kinetics of therapeutic apheresis",
                     "in DMT-treated MS", "Relapse in multiple sclerosis.", "Guidelines on the use of therapeutic apheresis",
                 })
        {
            Assert.All(kb.Entries.Values, e => Assert.DoesNotContain(invented, e.Citation, StringComparison.Ordinal));
        }

        // R4 Evidence has no certainty element (R4B/R5 added it): the grade stays a note on each Evidence resource.
        Assert.Null(typeof(Evidence).GetProperty("Certainty"));
    }

    internal static IEnumerable<PlanDefinition.ActionComponent> Flatten(IEnumerable<PlanDefinition.ActionComponent> actions) =>
        actions.SelectMany(a => new[] { a }.Concat(Flatten(a.Action)));
}
