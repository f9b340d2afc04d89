using System.Globalization;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MsRelapse.Core.Evidence;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;
using MsRelapse.Core.Steroids;
using MsRelapse.Fhir;

namespace MsRelapse.Knowledge;

/// <summary>
/// The pathway as FHIR R4 knowledge artifacts (CPG-on-FHIR shapes), generated from what the engine runs on: the
/// rule descriptors (<see cref="RuleCatalog"/>), <see cref="Thresholds"/>, <see cref="SteroidRegimens"/>, the
/// evidence table (<see cref="KnowledgeBase"/>) and the FHIR writer's codes. Nothing here is a hand-kept copy of a
/// number: change a threshold and the Library, the PlanDefinition's texts and the book follow.
/// </summary>
public static class KnowledgeArtifacts
{
    /// <summary>Canonical base of the artifacts (<see cref="KnowledgeCanonicals.Base"/>, shared with the FHIR output).</summary>
    public const string CanonicalBase = KnowledgeCanonicals.Base;

    /// <summary>Id of the PlanDefinition.</summary>
    public const string PlanDefinitionId = KnowledgeCanonicals.PlanDefinitionId;

    /// <summary>Id of the Library of thresholds.</summary>
    public const string LibraryId = "ms-relapse-thresholds";

    /// <summary>Id of the EvidenceVariable every Evidence resource is about.</summary>
    public const string EvidenceVariableId = "ms-relapse-management";

    private static readonly FhirJsonSerializer Serializer = new();

    /// <summary>The actions that are orderable, each with an ActivityDefinition, in the order they are listed.</summary>
    public static IReadOnlyList<ActionCode> Orderable => KnowledgeCanonicals.Orderable;

    /// <summary>Canonical URL of a resource of this type and id.</summary>
    public static string Canonical(string type, string id) => KnowledgeCanonicals.Of(type, id);

    /// <summary>Canonical URL of the PlanDefinition.</summary>
    public static string PlanDefinitionUrl => KnowledgeCanonicals.PlanDefinition;

    /// <summary>The ActivityDefinition id of an orderable action (its contract name), or null.</summary>
    public static string? ActivityDefinitionId(ActionCode action) => KnowledgeCanonicals.ActivityDefinitionId(action);

    /// <summary>Every artifact: the PlanDefinition, the ActivityDefinitions, the Library, the EvidenceVariable and one Evidence per E-id.</summary>
    public static IReadOnlyList<Resource> All()
    {
        var kb = KnowledgeBase.Current;
        var list = new List<Resource> { PlanDefinition(kb) };
        list.AddRange(Orderable.Select(a => (Resource)ActivityDefinition(a, kb)));
        list.Add(Library(kb));
        list.Add(EvidenceVariable(kb));
        list.AddRange(kb.Entries.Values.Select(e => (Resource)Evidence(e, kb)));
        return list;
    }

    /// <summary>The artifacts as a collection Bundle (deterministic: no clock, ids from the knowledge base).</summary>
    public static Bundle ToBundle()
    {
        var kb = KnowledgeBase.Current;
        return new Bundle
        {
            Id = $"ms-relapse-knowledge-{kb.Version}",
            Type = Bundle.BundleType.Collection,
            Entry = All().Select(r => new Bundle.EntryComponent { FullUrl = Canonical(r.TypeName, r.Id!), Resource = r }).ToList(),
        };
    }

    /// <summary>The Bundle as FHIR JSON (indented).</summary>
    public static string Serialize() => Serializer.SerializeToString(ToBundle(), true);

    /// <summary>The artifact of this type and id, or null.</summary>
    public static Resource? Find(string type, string id) => All().FirstOrDefault(r => r.TypeName == type && r.Id == id);

    // ---- CapabilityStatement ---------------------------------------------------------------------------------

    /// <summary>The types the service serves read-only under /fhir.</summary>
    public static IReadOnlyList<string> ServedTypes { get; } = ["PlanDefinition", "ActivityDefinition", "Library", "Evidence", "EvidenceVariable"];

    /// <summary>
    /// The CapabilityStatement of the service's /fhir endpoints (<c>GET /fhir/metadata</c>): read-only artifacts and
    /// <c>PlanDefinition/$apply</c>. With the base URL the request was made to it describes that installation
    /// (kind <c>instance</c>, whose <c>implementation</c> cpb-14 requires); without one, the software's capabilities
    /// (kind <c>capability</c>, no <c>implementation</c>: cpb-15).
    /// </summary>
    /// <param name="date">The statement's date (required; the caller's clock, never read here).</param>
    /// <param name="baseUrl">The FHIR base URL of this installation (…/fhir), or null when unknown.</param>
    public static CapabilityStatement Capabilities(string date, string? baseUrl)
    {
        var kb = KnowledgeBase.Current;
        var statement = new CapabilityStatement
        {
            Url = Canonical("CapabilityStatement", "ms-relapse-knowledge-server"),
            Version = kb.Version,
            Name = "MsRelapseKnowledgeServer",
            Title = "MsRelapse: the MS relapse pathway as FHIR knowledge artifacts",
            Status = PublicationStatus.Active,
            Experimental = false,
            Date = date,
            Publisher = "MsRelapse contributors",
            Description = new Markdown($"Read-only FHIR R4 knowledge artifacts of the MS relapse pathway (knowledge base {kb.Version}) and PlanDefinition/$apply."),
            Kind = baseUrl is null ? CapabilityStatementKind.Capability : CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = "MsRelapse", Version = PathwayEngine.EngineVersion },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["json"],
            Rest =
            [
                new CapabilityStatement.RestComponent
                {
                    Mode = CapabilityStatement.RestfulCapabilityMode.Server,
                    Documentation = new Markdown($"MS relapse pathway knowledge base {kb.Version}: read-only knowledge artifacts and PlanDefinition/$apply."),
                    Resource = [.. ServedTypes.Select(type => new CapabilityStatement.ResourceComponent
                    {
                        Type = type,
                        Interaction = [new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read }],
                        Operation = type == "PlanDefinition"
                            ? [new CapabilityStatement.OperationComponent { Name = "apply", Definition = "http://hl7.org/fhir/OperationDefinition/PlanDefinition-apply" }]
                            : [],
                    })],
                },
            ],
        };
        if (baseUrl is not null)
        {
            statement.Implementation = new CapabilityStatement.ImplementationComponent
            {
                // R4: implementation.description is a string (the shared POCO's Description would be markdown, R5's type).
                DescriptionElement = new FhirString($"MsRelapse {PathwayEngine.EngineVersion} (knowledge base {kb.Version}): the MS relapse pathway's knowledge artifacts and $apply"),
                Url = baseUrl,
            };
        }

        return statement;
    }

    // ---- PlanDefinition --------------------------------------------------------------------------------------

    private static PlanDefinition PlanDefinition(KnowledgeBase kb) => new()
    {
        Id = PlanDefinitionId,
        Url = PlanDefinitionUrl,
        Version = kb.Version,
        Name = "MsRelapsePathway",
        Title = "MS relapse pathway",
        Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/plan-definition-type", "clinical-protocol", "Clinical Protocol", null),
        Status = PublicationStatus.Active,
        Experimental = false,
        Publisher = "MsRelapse contributors",
        Description = new Markdown(
            $"Decision support for relapses of multiple sclerosis, knowledge base {kb.Version}. The actions follow the engine's evaluation order " +
            "(R0, R1, R2, R4, R3, R5, R6, R7, R8, R9); each carries its criteria as text, and as FHIRPath over the input Bundle where the " +
            "criterion is expressible (variable `%asOf`: the evaluation date). It recommends; the clinician decides."),
        Library = [Canonical("Library", LibraryId)],
        RelatedArtifact = kb.Entries.Values.Select(e => Citation(e)).ToList(),
        Action = RuleCatalog.InEvaluationOrder.Select(Action).ToList(),
    };

    private static PlanDefinition.ActionComponent Action(RuleDescriptor rule)
    {
        var description = new StringBuilder(rule.Description);
        if (rule.Urgency.Length > 0)
        {
            description.Append(CultureInfo.InvariantCulture, $" Urgency: {rule.Urgency}.");
        }

        if (!rule.NotRecommended.IsEmpty)
        {
            description.Append(CultureInfo.InvariantCulture, $" Not recommended: {string.Join(", ", rule.NotRecommended.Select(WireNames.Of))}.");
        }

        if (!rule.Thresholds.IsEmpty)
        {
            description.Append(CultureInfo.InvariantCulture, $" Thresholds: {string.Join(", ", rule.Thresholds.Select(t => $"{t} = {ThresholdCatalog.Get(t).ValueText}"))}.");
        }

        var action = new PlanDefinition.ActionComponent
        {
            ElementId = rule.Id,
            Prefix = rule.Id,
            Title = rule.Title,
            Description = description.ToString(),
            Code = [new CodeableConcept(RecommendationFhirWriter.RuleSystem, rule.Id, rule.Title, null)],
            Condition = rule.Criteria.Select(Condition).ToList(),
            Documentation = rule.Evidence.Select(id => Citation(KnowledgeBase.Current.Get(id))).ToList(),
        };
        action.Action.AddRange(rule.SubRules.Select(Action));
        action.Action.AddRange(rule.Actions.Select(a =>
        {
            var step = new PlanDefinition.ActionComponent
            {
                Title = WireNames.Of(a),
                Code = [RecommendationFhirWriter.ActionConcept(a)],
            };
            if (ActivityDefinitionId(a) is { } id)
            {
                step.Definition = new Canonical(Canonical("ActivityDefinition", id));
            }

            return step;
        }));
        return action;
    }

    private static PlanDefinition.ConditionComponent Condition(RuleCriterion criterion)
    {
        var expression = FhirPathCriteria.ById.TryGetValue(criterion.Id, out var fhirPath)
            ? new Expression { Name = Token(criterion.Id), Description = criterion.Text, Language = "text/fhirpath", Expression_ = fhirPath }
            : new Expression { Name = Token(criterion.Id), Description = criterion.Text, Language = "text/plain", Expression_ = criterion.Text };
        return new PlanDefinition.ConditionComponent { Kind = ActionConditionKind.Applicability, Expression = expression };
    }

    /// <summary>Expression.name is an id: letters, digits, '-' and '.'.</summary>
    private static string Token(string id) => new(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '-').ToArray());

    private static RelatedArtifact Citation(EvidenceItem e) => new()
    {
        Type = RelatedArtifact.RelatedArtifactType.Citation,
        Label = e.Id,
        Display = $"{e.Id} ({e.Grade})",
        Citation = new Markdown(e.Citation),
        Resource = Canonical("Evidence", e.Id),
    };

    // ---- ActivityDefinitions ---------------------------------------------------------------------------------

    private static ActivityDefinition ActivityDefinition(ActionCode action, KnowledgeBase kb)
    {
        var id = WireNames.Of(action);
        var definition = new ActivityDefinition
        {
            Id = id,
            Url = Canonical("ActivityDefinition", id),
            Version = kb.Version,
            Name = string.Concat(id.Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..])),
            Title = Title(action),
            Status = PublicationStatus.Active,
            Intent = RequestIntent.Proposal,
            Publisher = "MsRelapse contributors",
            Code = RecommendationFhirWriter.ActionConcept(action),
        };
        switch (action)
        {
            case ActionCode.OralMethylprednisolone:
                Steroid(definition, SteroidRegimens.OralStandard, "Equivalent: oral methylprednisolone 1,000 mg/day for 3 days (E-COPOUSEP-2015).");
                break;
            case ActionCode.IvMethylprednisolone:
                Steroid(definition, SteroidRegimens.Intravenous(), "Infusion over at least 30–60 minutes.");
                definition.Dosage.Add(new Dosage
                {
                    Sequence = 2,
                    Text = $"Under {Thresholds.AdultAgeYears} years: {SteroidRegimens.PediatricMgPerKgPerDay:0} mg/kg/day rounded down to {SteroidRegimens.PediatricRoundingMg:0} mg, at most {SteroidRegimens.PediatricMaximumMgPerDay:0,0} mg/day, IV, for {SteroidRegimens.Pediatric(Thresholds.WeightMaxKg).Days} days (E-PEDS-2021).",
                    Route = RecommendationFhirWriter.RouteConcept(PlannedRoute.Intravenous),
                    DoseAndRate = [new Dosage.DoseAndRateComponent { Dose = new Quantity { Value = (decimal)SteroidRegimens.PediatricMgPerKgPerDay, Unit = "mg/kg", System = CodeSystems.Ucum, Code = "mg/kg" } }],
                });
                break;
            case ActionCode.EscalatedIvMethylprednisolone:
                Steroid(definition, SteroidRegimens.EscalatedIntravenous, "Adults only; inferior to plasma exchange (E-PFEUFFER-2020).");
                break;
            case ActionCode.PlasmaExchange:
                definition.Kind = Hl7.Fhir.Model.ActivityDefinition.RequestResourceType.ServiceRequest;
                definition.Code = new CodeableConcept { Coding = RecommendationFhirWriter.PlasmaExchangeCodes(), Text = RecommendationFhirWriter.PlasmaExchangeText };
                definition.Timing = Sessions(Thresholds.ApheresisCourseSessions, Thresholds.ApheresisIntervalDays, null);
                definition.Description = new Markdown(
                    $"{Thresholds.ApheresisCourseSessions} exchanges, every {Thresholds.ApheresisIntervalDays} days, starting {Thresholds.ApheresisStartDays} day after the decision " +
                    $"({Thresholds.ApheresisStartDaysWithAceInhibitor} with an active ACE inhibitor); {Thresholds.PlasmaVolumesPerExchange:0.0} plasma volume per exchange (Nadler), 5 % albumin replacement (E-ASFA-2023, E-NADLER-1962).");
                break;
            case ActionCode.Immunoadsorption:
                definition.Kind = Hl7.Fhir.Model.ActivityDefinition.RequestResourceType.ServiceRequest;
                definition.Code = new CodeableConcept { Coding = RecommendationFhirWriter.ImmunoadsorptionCodes(), Text = RecommendationFhirWriter.ImmunoadsorptionText };
                definition.Timing = Sessions(Thresholds.ApheresisCourseSessions, 1, Thresholds.ApheresisIntervalDays);
                definition.Description = new Markdown($"{Thresholds.ApheresisCourseSessions} sessions, daily or every other day; no replacement fluid; processed plasma volume set by the apheresis unit (E-IA-DORST-2019).");
                break;
            case ActionCode.Ivig:
                // IVIG is a medicine and would be a MedicationRequest with a product, but fhir-profile.md gives no code
                // for it (and the engine never plans it: it is an alternative, written as a Task): kept a ServiceRequest
                // coded with our action code until the profile names a product code.
                definition.Kind = Hl7.Fhir.Model.ActivityDefinition.RequestResourceType.ServiceRequest;
                definition.Description = new Markdown("Intravenous immunoglobulin: only where apheresis and steroids are both unsuitable; it adds nothing to steroids for relapses (E-IVIG-2004).");
                break;
            case ActionCode.SpecialistReview:
                definition.Kind = Hl7.Fhir.Model.ActivityDefinition.RequestResourceType.ServiceRequest;
                definition.Description = new Markdown("Review by an MS (or NMOSD/MOGAD, paediatric) specialist; the urgency is the recommendation's.");
                break;
        }

        return definition;
    }

    private static string Title(ActionCode action) => action switch
    {
        ActionCode.OralMethylprednisolone => "Oral methylprednisolone",
        ActionCode.IvMethylprednisolone => "IV methylprednisolone",
        ActionCode.EscalatedIvMethylprednisolone => "Escalated IV methylprednisolone",
        ActionCode.PlasmaExchange => "Therapeutic plasma exchange",
        ActionCode.Immunoadsorption => "Immunoadsorption",
        ActionCode.Ivig => "Intravenous immunoglobulin",
        _ => "Specialist review",
    };

    private static void Steroid(ActivityDefinition definition, SteroidRegimen regimen, string note)
    {
        var route = regimen.Route == DoseRoute.Intravenous ? PlannedRoute.Intravenous : PlannedRoute.Oral;
        definition.Kind = Hl7.Fhir.Model.ActivityDefinition.RequestResourceType.MedicationRequest;
        definition.Product = RecommendationFhirWriter.MethylprednisoloneConcept("methylprednisolone");
        definition.Description = new Markdown($"Methylprednisolone {regimen.DoseMgPerDay:0,0} mg once daily {WireNames.Of(route)} for {regimen.Days} days (total {regimen.TotalDoseMg:0,0} mg, prednisone equivalent {regimen.PrednisoneEquivalentMg:0,0} mg). {note}");
        definition.Dosage.Add(new Dosage
        {
            Sequence = 1,
            Text = $"{regimen.DoseMgPerDay:0,0} mg once daily {WireNames.Of(route)} for {regimen.Days} days",
            Route = RecommendationFhirWriter.RouteConcept(route),
            Timing = new Timing { Repeat = new Timing.RepeatComponent { Count = regimen.Days, Frequency = 1, Period = 1, PeriodUnit = Timing.UnitsOfTime.D } },
            DoseAndRate = [new Dosage.DoseAndRateComponent { Dose = new Quantity { Value = (decimal)regimen.DoseMgPerDay, Unit = "mg", System = CodeSystems.Ucum, Code = "mg" } }],
        });
    }

    private static Timing Sessions(int count, int periodDays, int? periodMaxDays) => new()
    {
        Repeat = new Timing.RepeatComponent
        {
            Count = count,
            Frequency = 1,
            Period = periodDays,
            PeriodMax = periodMaxDays,
            PeriodUnit = Timing.UnitsOfTime.D,
        },
    };

    // ---- Library ---------------------------------------------------------------------------------------------

    private static Library Library(KnowledgeBase kb)
    {
        var values = ThresholdCatalog.All.ToDictionary(t => t.Name, t => t.Value, StringComparer.Ordinal);
        return new Library
        {
            Id = LibraryId,
            Url = Canonical("Library", LibraryId),
            Version = kb.Version,
            Name = "MsRelapseThresholds",
            Title = "MS relapse pathway: every threshold and window",
            Status = PublicationStatus.Active,
            Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/library-type", "asset-collection", "Asset Collection", null),
            Publisher = "MsRelapse contributors",
            Description = new Markdown("Every number of the pathway, one parameter each: the engine's Thresholds class and the plasma exchange calculator's own constants (Nadler's coefficients, Kaplan's blood volume per kg, the weight-based volume under 25 kg, the intravascular share of IgG, albumin per mL and per vial). Windows are calendar days and include both ends. Parameters marked (choice) are the knowledge base's decisions where the evidence gives no number, as clinical.md marks them; parameters marked (engine choice) are numbers the engine needed where clinical.md names none (its documented rulings), not the specification's. The values are also attached as JSON."),
            Parameter = ThresholdCatalog.All.Select(t => new ParameterDefinition
            {
                Name = t.Name,
                Use = OperationParameterUse.In,
                Min = 1,
                Max = "1",
                Type = t.Type == "integer" ? FHIRAllTypes.Integer : FHIRAllTypes.Decimal,
                Documentation = $"= {t.ValueText}. {t.Documentation}".TrimEnd(),
            }).ToList(),
            Content =
            [
                new Attachment
                {
                    ContentType = "application/json",
                    Title = "thresholds.json",
                    Data = JsonSerializer.SerializeToUtf8Bytes(values),
                },
            ],
        };
    }

    // ---- Evidence --------------------------------------------------------------------------------------------

    private static EvidenceVariable EvidenceVariable(KnowledgeBase kb) => new()
    {
        Id = EvidenceVariableId,
        Url = Canonical("EvidenceVariable", EvidenceVariableId),
        Version = kb.Version,
        Name = "MsRelapseManagement",
        Title = "Management of a relapse of multiple sclerosis",
        Status = PublicationStatus.Active,
        Characteristic =
        [
            new EvidenceVariable.CharacteristicComponent
            {
                Definition = new CodeableConcept(CodeSystems.Snomed, "192929006", "Exacerbation of multiple sclerosis", "Relapse of multiple sclerosis (or NMOSD/MOGAD attack) and its treatment"),
            },
        ],
    };

    private static Evidence Evidence(EvidenceItem e, KnowledgeBase kb) => new()
    {
        Id = e.Id,
        Url = Canonical("Evidence", e.Id),
        Identifier = [new Identifier(RecommendationFhirWriter.EvidenceSystem, e.Id)],
        Version = kb.Version,
        Name = Token(e.Id).Replace("-", string.Empty, StringComparison.Ordinal),
        Title = e.Id,
        Status = PublicationStatus.Active,
        Description = new Markdown(e.Supports),
        Note = [new Annotation { Text = $"Grade: {e.Grade}" }, new Annotation { Text = $"Published {e.Year.ToString(CultureInfo.InvariantCulture)}." }],
        ExposureBackground = new ResourceReference(Canonical("EvidenceVariable", EvidenceVariableId)),
        RelatedArtifact = [new RelatedArtifact { Type = RelatedArtifact.RelatedArtifactType.Citation, Label = e.Id, Citation = new Markdown(e.Citation) }],
    };
}
