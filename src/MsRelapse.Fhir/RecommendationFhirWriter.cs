using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MsRelapse.Core.Contract;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;
using Flag = MsRelapse.Core.Pathway.Flag;

namespace MsRelapse.Fhir;

/// <summary>
/// The recommendation as FHIR R4 (fhir-profile.md "Write", CPG-on-FHIR shapes): a collection Bundle holding a
/// RequestGroup (draft proposal) with an action per recommended step, a MedicationRequest per planned steroid
/// course, a ServiceRequest per planned apheresis course (sessions as <c>occurrenceTiming</c>), a CarePlan
/// (draft), a DetectedIssue per warning or critical flag, and a Provenance naming the engine, the knowledge base
/// and the rules that fired. Errors become an OperationOutcome.
/// </summary>
/// <remarks>
/// Deterministic: ids are UUIDs derived from the content (SHA-256), the only date is <c>asOf</c> (never the
/// clock), and the same recommendation always gives the same bytes.
/// </remarks>
public static class RecommendationFhirWriter
{
    /// <summary>Code system for the rule ids that fired (R1, R2.6, …).</summary>
    public const string RuleSystem = "http://msrelapse.org/fhir/CodeSystem/msrelapse-rule";

    /// <summary>Identifier system for evidence ids (E-…).</summary>
    public const string EvidenceSystem = "http://msrelapse.org/fhir/CodeSystem/msrelapse-evidence";

    private static readonly FhirJsonSerializer Serializer = new();

    /// <summary>
    /// The MedicationRequest (steroid course) and ServiceRequests (apheresis courses) of the steps that carry a plan —
    /// the primary step and the concurrent ones — each with its content-derived id: the same resources, ids and bytes
    /// as in <see cref="ToBundle"/>, without building the rest of the Bundle (the CDS Hooks suggestions need only these).
    /// </summary>
    public static IReadOnlyDictionary<ActionCode, Resource> StepRequests(Recommendation recommendation)
    {
        ArgumentNullException.ThrowIfNull(recommendation);
        var r = recommendation;
        var asOf = AsOf(r);
        var subject = Subject(r);
        var steps = Steps(r);
        var requests = new Dictionary<ActionCode, Resource>();
        if (r.Plan.Steroids is { } steroids && steps.Contains(steroids.Action))
        {
            var request = SteroidRequest(steroids, subject, asOf);
            request.InstantiatesCanonical = Instantiates(steroids.Action, r);
            requests[steroids.Action] = Identify(request);
        }

        if (r.Plan.PlasmaExchange is { } tpe && steps.Contains(ActionCode.PlasmaExchange))
        {
            var request = WithResponseFactors(TpeRequest(tpe, subject, asOf), r);
            request.InstantiatesCanonical = Instantiates(ActionCode.PlasmaExchange, r);
            requests[ActionCode.PlasmaExchange] = Identify(request);
        }

        if (r.Plan.Immunoadsorption is { } ia && steps.Contains(ActionCode.Immunoadsorption))
        {
            var request = WithResponseFactors(IaRequest(ia, subject, asOf), r);
            request.InstantiatesCanonical = Instantiates(ActionCode.Immunoadsorption, r);
            requests[ActionCode.Immunoadsorption] = Identify(request);
        }

        return requests;
    }

    /// <summary>
    /// The ActivityDefinition a request for <paramref name="action"/> instantiates (versioned as the knowledge base), or
    /// none for an action that has no ActivityDefinition (observe, await response …).
    /// </summary>
    private static List<string> Instantiates(ActionCode action, Recommendation r) =>
        KnowledgeCanonicals.ActivityDefinition(action) is { } url ? [KnowledgeCanonicals.Versioned(url, r.Engine.KnowledgeBase)] : [];

    /// <summary>The recommended steps in order: the primary, then the concurrent ones (each once).</summary>
    private static List<ActionCode> Steps(Recommendation r) => [.. new[] { r.Advice.Primary }.Concat(r.Advice.Concurrent).Distinct()];

    private static string AsOf(Recommendation r) => r.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static ResourceReference Subject(Recommendation r) => r.Patient.Id is { Length: > 0 } pid
        ? new ResourceReference($"Patient/{pid}")
        : new ResourceReference { Display = "the patient of the evaluated record" };

    /// <summary>The recommendation as a collection Bundle.</summary>
    public static Bundle ToBundle(Recommendation recommendation)
    {
        ArgumentNullException.ThrowIfNull(recommendation);
        var r = recommendation;
        var asOf = AsOf(r);
        var subject = Subject(r);

        var resources = new List<Resource>();
        var steps = Steps(r);
        var stepResources = StepRequests(r);
        resources.AddRange(steps.Where(stepResources.ContainsKey).Select(s => stepResources[s]));

        var requestGroup = new RequestGroup
        {
            Status = RequestStatus.Draft,
            Intent = RequestIntent.Proposal,
            Subject = subject,
            AuthoredOn = asOf,
            Priority = PriorityOf(r.Advice.Urgency),
            Code = Concept(CodeSystems.Msr, "ms-relapse-recommendation", "MS relapse recommendation"),
            // The pathway (PlanDefinition) this recommendation applies, at the knowledge base that made it.
            InstantiatesCanonical = [KnowledgeCanonicals.Versioned(KnowledgeCanonicals.PlanDefinition, r.Engine.KnowledgeBase)],
            Note =
            [
                new Annotation { Text = $"Episode: {WireNames.Of(r.Episode.Status)}; severity {WireNames.Of(r.Episode.Severity)}; urgency {WireNames.Of(r.Advice.Urgency)}." },
            ],
        };
        foreach (var (step, index) in steps.Select((s, i) => (s, i)))
        {
            var action = new RequestGroup.ActionComponent
            {
                Title = WireNames.Of(step),
                Description = index == 0 ? $"Primary: {Describe(step)} ({WireNames.Of(r.Advice.Urgency)})." : $"Concurrent: {Describe(step)}.",
                Code = [ActionConcept(step)],
                Priority = PriorityOf(r.Advice.Urgency),
            };
            if (stepResources.TryGetValue(step, out var target))
            {
                action.Resource = Ref(target);
            }
            else
            {
                // rqg-1: an action holds a resource or sub-actions. A step without a plan (specialist review, observe,
                // await response, treat the trigger …) is a recommendation to act on, not an order: a draft Task
                // (intent proposal) carrying the step — never a Medication/ServiceRequest, so the CDS Hooks proposals
                // (orders) and the CarePlan's activities stay exactly the planned treatments.
                var task = Communicate(step, action.Description, Hl7.Fhir.Model.Task.TaskIntent.Proposal, PriorityOf(r.Advice.Urgency), subject, asOf);
                task.InstantiatesCanonical = Instantiates(step, r).FirstOrDefault();
                var communication = Identify(task);
                resources.Add(communication);
                action.Resource = Ref(communication);
            }

            requestGroup.Action.Add(action);
        }

        if (r.Advice.Alternatives.Length > 0)
        {
            // Alternatives: choose at most one, each with the condition the pathway names.
            var alternatives = new RequestGroup.ActionComponent
            {
                Title = "alternatives",
                SelectionBehavior = ActionSelectionBehavior.AtMostOne,
            };
            foreach (var alt in r.Advice.Alternatives)
            {
                // rqg-1: each alternative refers to a draft Task with intent "option" (one of the choices).
                var optionTask = Communicate(alt.Action, $"Alternative: {Describe(alt.Action)} — {alt.Reason}", Hl7.Fhir.Model.Task.TaskIntent.Option, null, subject, asOf);
                optionTask.InstantiatesCanonical = Instantiates(alt.Action, r).FirstOrDefault();
                var option = Identify(optionTask);
                resources.Add(option);
                alternatives.Action.Add(new RequestGroup.ActionComponent
                {
                    Title = WireNames.Of(alt.Action),
                    Description = alt.Reason,
                    Code = [ActionConcept(alt.Action)],
                    Documentation = alt.Evidence.Select(Evidence).ToList(),
                    Resource = Ref(option),
                });
            }

            requestGroup.Action.Add(alternatives);
        }

        Identify(requestGroup);
        resources.Insert(0, requestGroup);

        var issues = r.Flags.Where(f => f.Severity is FlagSeverity.Warning or FlagSeverity.Critical)
            .Select(f => Identify(Issue(f, subject, asOf))).ToList();

        var carePlan = new CarePlan
        {
            Status = RequestStatus.Draft,
            Intent = CarePlan.CarePlanIntent.Proposal,
            Subject = subject,
            Title = "MS relapse plan (decision support — for the clinician to decide)",
            Description = $"{WireNames.Of(r.Episode.Status)}; primary {WireNames.Of(r.Advice.Primary)}, urgency {WireNames.Of(r.Advice.Urgency)}" +
                (r.Advice.ReassessOn is { } re ? $"; reassess on {re:yyyy-MM-dd}" : string.Empty) + ".",
            Created = asOf,
            Period = new Period { Start = asOf, End = r.Advice.ReassessOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
            Activity =
            [
                new CarePlan.ActivityComponent { Reference = Ref(requestGroup) },
                .. resources.Where(x => x is MedicationRequest or ServiceRequest).Select(x => new CarePlan.ActivityComponent { Reference = Ref(x) }),
            ],
            Note =
            [
                .. r.Advice.NotRecommended.Select(n => new Annotation { Text = $"Not recommended: {WireNames.Of(n.Action)} — {n.Reason}" }),
                .. r.MissingData.Select(m => new Annotation { Text = $"Missing data: {WireNames.Of(m.Item)} (needed for {m.NeededFor})." }),
                .. issues.Select(i => new Annotation { Text = $"Warning: {((DetectedIssue)i).Detail}" }),
            ],
        };
        Identify(carePlan);
        resources.Add(carePlan);
        resources.AddRange(issues);

        var provenance = new Provenance
        {
            Target = resources.Select(Ref).ToList(),
            // Provenance.recorded is required: the evaluation date, never the clock (deterministic output).
            Recorded = new DateTimeOffset(r.AsOf.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            // The policy the engine followed: the published pathway (PlanDefinition) at this knowledge base.
            Policy = [KnowledgeCanonicals.Versioned(KnowledgeCanonicals.PlanDefinition, r.Engine.KnowledgeBase)],
            Agent =
            [
                new Provenance.AgentComponent
                {
                    Type = Concept("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "assembler", "Assembler"),
                    Who = new ResourceReference
                    {
                        Display = $"MsRelapse pathway engine {r.Engine.Version}, knowledge base {r.Engine.KnowledgeBase}",
                        Identifier = new Identifier("http://msrelapse.org/fhir/engine", r.Engine.Version),
                    },
                },
            ],
            Entity = r.FiredRules.Select(rule => new Provenance.EntityComponent
            {
                Role = Provenance.ProvenanceEntityRole.Derivation,
                What = new ResourceReference
                {
                    Identifier = new Identifier(RuleSystem, rule),
                    Display = $"Rule {rule} (knowledge base {r.Engine.KnowledgeBase})",
                },
            }).ToList(),
        };
        Identify(provenance);
        resources.Add(provenance);

        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Entry = resources.Select(x => new Bundle.EntryComponent { FullUrl = $"urn:uuid:{x.Id}", Resource = x }).ToList(),
        };
        bundle.Id = IdOf(string.Join('|', resources.Select(x => x.Id)));
        return bundle;
    }

    /// <summary>The recommendation as FHIR JSON (indented).</summary>
    public static string Serialize(Recommendation recommendation) => Serializer.SerializeToString(ToBundle(recommendation), true);

    /// <summary>Every error as an issue of one OperationOutcome: our code, the message, the resource and the path.</summary>
    public static OperationOutcome ErrorsToOperationOutcome(IEnumerable<InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var outcome = new OperationOutcome();
        foreach (var error in errors)
        {
            var issue = new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = error.Code switch
                {
                    FhirErrorCodes.ParseError or FhirErrorCodes.NotABundle => OperationOutcome.IssueType.Structure,
                    FhirErrorCodes.MultiplePatients => OperationOutcome.IssueType.BusinessRule,
                    _ => OperationOutcome.IssueType.Invalid,
                },
                Details = new CodeableConcept(CodeSystems.Msr, error.Code, null, error.Message),
                Diagnostics = error.Source?.Resource,
            };
            if (error.Source?.Path is { } path)
            {
                issue.Expression = [path];
            }

            outcome.Issue.Add(issue);
        }

        outcome.Id = IdOf(string.Join('|', errors.Select(e => e.ToString() + e.Code)));
        return outcome;
    }

    /// <summary>The errors as FHIR JSON (indented).</summary>
    public static string SerializeErrors(IEnumerable<InputError> errors) => Serializer.SerializeToString(ErrorsToOperationOutcome(errors), true);

    // ---- resources -------------------------------------------------------------------------------------------

    /// <summary>
    /// The dosage as sentences a clinician reads aloud: drug, dose, route and days with the dates; then the conditions
    /// (PML excluded), the infusion rate and the taper, each its own sentence ending in one full stop.
    /// </summary>
    internal static string DosageText(SteroidPlan plan)
    {
        var inv = CultureInfo.InvariantCulture;
        var dose = plan.DoseMgPerDay is { } mg ? PlanNumbers.Milligrams(mg)
            : plan.DoseMgPerKgPerDay is { } perKg ? PlanNumbers.MilligramsPerKilogram(perKg)
            : "a dose to be set from the weight (missing)";
        var route = plan.Route == PlannedRoute.Intravenous ? "intravenously" : "by mouth";
        var text = new StringBuilder();
        text.Append(inv, $"{UpperFirst(plan.Drug)} {dose} {route} once daily for {plan.Days} days, {plan.StartDate:yyyy-MM-dd} to {plan.EndDate:yyyy-MM-dd}.");
        if (plan.AfterMriExcludesPml)
        {
            text.Append(" Start only after MRI has excluded PML.");
        }

        if (plan.Infusion is { } infusion)
        {
            text.Append(' ').Append(Sentence(infusion));
        }

        if (plan.Taper is { } taper)
        {
            text.Append(" Then ").Append(LowerFirst(Trimmed(taper))).Append('.');
        }

        return text.ToString();

        static string Trimmed(string s) => s.Trim().TrimEnd('.', ';', ' ');

        static string Sentence(string s) => UpperFirst(Trimmed(s)) + ".";

        static string UpperFirst(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

        static string LowerFirst(string s) => s.Length > 1 && char.IsUpper(s[0]) && !char.IsUpper(s[1]) ? char.ToLowerInvariant(s[0]) + s[1..] : s;
    }

    private static MedicationRequest SteroidRequest(SteroidPlan plan, ResourceReference subject, string asOf)
    {
        var route = RouteConcept(plan.Route);
        var text = DosageText(plan);
        var dosage = new Dosage
        {
            Text = text,
            Route = route,
            Timing = new Timing
            {
                Repeat = new Timing.RepeatComponent
                {
                    Bounds = new Period { Start = plan.StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), End = plan.EndDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
                    Count = plan.Days,
                    Frequency = 1,
                    Period = 1,
                    PeriodUnit = Timing.UnitsOfTime.D,
                },
            },
        };
        if (plan.DoseMgPerDay is { } dose)
        {
            dosage.DoseAndRate.Add(new Dosage.DoseAndRateComponent
            {
                Dose = new Quantity { Value = (decimal)dose, Unit = "mg", System = CodeSystems.Ucum, Code = "mg" },
            });
        }

        return new MedicationRequest
        {
            Status = MedicationRequest.MedicationrequestStatus.Draft,
            Intent = MedicationRequest.MedicationRequestIntent.Proposal,
            Medication = MethylprednisoloneConcept(plan.Drug),
            Subject = subject,
            AuthoredOn = asOf,
            DosageInstruction = [dosage],
            Note =
            [
                .. plan.Monitoring.Select(m => new Annotation { Text = "Monitoring: " + m }),
                .. plan.Notes.Select(n => new Annotation { Text = n }),
                new Annotation { Text = $"Reassess on {plan.ReassessOn:yyyy-MM-dd}." },
            ],
        };
    }

    /// <summary>
    /// 2026.2: one note on the apheresis request listing the response factors (clinical.md, "Apheresis response
    /// factors": informational, never summed), each with its value, direction, evidence and source.
    /// </summary>
    private static ServiceRequest WithResponseFactors(ServiceRequest request, Recommendation r)
    {
        if (r.ApheresisResponseFactors.IsEmpty)
        {
            return request;
        }

        var text = new StringBuilder("Apheresis response factors (published predictors, informational; not a score):");
        foreach (var f in r.ApheresisResponseFactors)
        {
            // The CLI summary's words (ResponseFactorWords): value, direction, effect, contested, what to record, source, evidence.
            // One markdown list item per factor (Annotation.text is markdown).
            text.Append("\n- ").Append(ResponseFactorWords.Line(f));
        }

        request.Note.Add(new Annotation { Text = text.ToString() });
        return request;
    }

    private static ServiceRequest TpeRequest(TpePlan plan, ResourceReference subject, string asOf)
    {
        var request = Apheresis(
            PlasmaExchangeCodes(), PlasmaExchangeText, plan.Schedule, subject, asOf);
        // 2026.2: a course in progress is requested as the rest of that course ("session K of N on DATE, then …"); the
        // occurrence timing holds the remaining sessions only.
        var detail = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{plan.Exchanges} exchanges every other day, {plan.PlasmaVolumesPerExchange:0.0#} plasma volume(s) each");

        if (plan.ExchangeVolumeMl is { } volume)
        {
            detail.Append(CultureInfo.InvariantCulture, $", exchange volume {PlanNumbers.Millilitres(volume)}");
        }

        detail.Append(CultureInfo.InvariantCulture, $"; replacement {plan.ReplacementFluid}");
        if (plan.AlbuminGramsPerExchange is { } grams)
        {
            detail.Append(CultureInfo.InvariantCulture, $", {PlanNumbers.Grams(grams)} albumin ({plan.AlbuminVialsPerExchange} vials of 12.5 g) per exchange");
        }

        if (plan.Summary is { } summary)
        {
            detail.Append(CultureInfo.InvariantCulture, $"; {summary}");
        }

        request.PatientInstruction = null;
        request.Note =
        [
            new Annotation { Text = detail.Append('.').ToString() },
            .. plan.Monitoring.Select(m => new Annotation { Text = "Monitoring: " + m }),
            .. plan.Notes.Select(n => new Annotation { Text = n }),
        ];
        return request;
    }

    private static ServiceRequest IaRequest(IaPlan plan, ResourceReference subject, string asOf)
    {
        var request = Apheresis(
            ImmunoadsorptionCodes(), ImmunoadsorptionText, plan.Schedule, subject, asOf);
        request.Note =
        [
            new Annotation { Text = $"{plan.Sessions} sessions{(plan.Summary is { } summary ? $" ({summary})" : string.Empty)}; processed plasma volume per session: {plan.ProcessedPlasmaVolumesPerSession}. No replacement fluid." },
            .. plan.Monitoring.Select(m => new Annotation { Text = "Monitoring: " + m }),
        ];
        return request;
    }

    private static ServiceRequest Apheresis(List<Coding> codes, string text, IEnumerable<PlannedSession> schedule, ResourceReference subject, string asOf) => new()
    {
        Status = RequestStatus.Draft,
        Intent = RequestIntent.Proposal,
        Code = new CodeableConcept { Coding = codes, Text = text },
        Subject = subject,
        AuthoredOn = asOf,
        // The sessions still to give; those already given are history, not a request.
        Occurrence = new Timing
        {
            EventElement = schedule.Where(s => !s.Done).Select(s => new FhirDateTime(s.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))).ToList(),
        },
    };

    /// <summary>A recommended step that is not an order, as a draft Task (code = the step's code, description = the text).</summary>
    private static Hl7.Fhir.Model.Task Communicate(ActionCode step, string? text, Hl7.Fhir.Model.Task.TaskIntent intent, RequestPriority? priority, ResourceReference subject, string asOf) => new()
    {
        Status = Hl7.Fhir.Model.Task.TaskStatus.Draft,
        Intent = intent,
        Priority = priority,
        Code = ActionConcept(step),
        Description = text ?? Describe(step),
        For = subject,
        AuthoredOn = asOf,
    };

    private static DetectedIssue Issue(Flag flag, ResourceReference subject, string asOf) => new()
    {
        Status = ObservationStatus.Preliminary,
        Code = Concept(CodeSystems.Msr, WireNames.Of(flag.Code), WireNames.Of(flag.Code)),
        Severity = flag.Severity == FlagSeverity.Critical ? DetectedIssue.DetectedIssueSeverity.High : DetectedIssue.DetectedIssueSeverity.Moderate,
        Patient = subject,
        Identified = new FhirDateTime(asOf),
        Detail = flag.Message + (flag.Evidence.Length > 0 ? $" ({string.Join(", ", flag.Evidence)})" : string.Empty),
    };

    // ---- codes (shared with the knowledge artifacts, MsRelapse.Knowledge) -----------------------------------------

    /// <summary>Text of the plasma-exchange request's code.</summary>
    public const string PlasmaExchangeText = "Therapeutic plasma exchange";

    /// <summary>Text of the immunoadsorption request's code.</summary>
    public const string ImmunoadsorptionText = "Immunoadsorption";

    /// <summary>The codes of a plasma-exchange ServiceRequest (CPT 36514 and our own code).</summary>
    public static List<Coding> PlasmaExchangeCodes() =>
        [new Coding(CodeSystems.Cpt, "36514", "Therapeutic apheresis; for plasma pheresis"), new Coding(CodeSystems.Msr, "therapeutic-plasma-exchange", "Therapeutic plasma exchange")];

    /// <summary>The codes of an immunoadsorption ServiceRequest (CPT 36516 and our own code).</summary>
    public static List<Coding> ImmunoadsorptionCodes() =>
        [new Coding(CodeSystems.Cpt, "36516", "Therapeutic apheresis; with extracorporeal immunoadsorption"), new Coding(CodeSystems.Msr, "immunoadsorption", "Immunoadsorption")];

    /// <summary>The medication of a steroid MedicationRequest: methylprednisolone (RxNorm 6902, ATC H02AB04).</summary>
    public static CodeableConcept MethylprednisoloneConcept(string text) => new()
    {
        Coding =
        [
            new Coding(CodeSystems.RxNorm, "6902", "methylprednisolone"),
            new Coding(CodeSystems.Atc, "H02AB04", "methylprednisolone"),
        ],
        Text = text,
    };

    /// <summary>The route of a steroid dosage (SNOMED 47625008 IV, 26643006 oral).</summary>
    public static CodeableConcept RouteConcept(PlannedRoute route) => route == PlannedRoute.Intravenous
        ? Concept(CodeSystems.Snomed, "47625008", "Intravenous route")
        : Concept(CodeSystems.Snomed, "26643006", "Oral route");

    /// <summary>The code of a recommended step (a RequestGroup action): our own code system, the contract's action name.</summary>
    public static CodeableConcept ActionConcept(ActionCode action) => Concept(CodeSystems.Msr, WireNames.Of(action), Describe(action));

    /// <summary>The request priority of an urgency (emergency → stat, urgent → asap, soon → urgent, routine → routine).</summary>
    public static RequestPriority PriorityOf(Urgency urgency) => urgency switch
    {
        Urgency.Emergency => RequestPriority.Stat,
        Urgency.Urgent => RequestPriority.Asap,
        Urgency.Soon => RequestPriority.Urgent,
        _ => RequestPriority.Routine,
    };

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static string Describe(ActionCode action) => WireNames.Of(action).Replace('-', ' ');

    private static CodeableConcept Concept(string system, string code, string display) => new(system, code, display, null);

    private static RelatedArtifact Evidence(string id) => new()
    {
        Type = RelatedArtifact.RelatedArtifactType.Citation,
        Label = id,
        Display = id,
    };

    private static ResourceReference Ref(Resource resource) => new($"urn:uuid:{resource.Id}");

    /// <summary>How Firely's <c>SerializeToString</c> escapes (only what JSON requires): the text content ids hash.</summary>
    private static readonly System.Text.Json.JsonWriterOptions AsText = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>How Firely's <c>SerializeToBytes</c> escapes (the default encoder).</summary>
    private static readonly System.Text.Json.JsonWriterOptions AsBytes = new();

    /// <summary>
    /// The resource as a JSON element (the bytes Firely's <c>SerializeToBytes</c> writes), for a document that embeds
    /// it (a CDS Hooks action's <c>resource</c>): an element that owns its bytes, nothing to dispose.
    /// </summary>
    public static System.Text.Json.JsonElement ToJsonElement(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return ReusableUtf8Buffer.Write(AsBytes, resource, static (writer, r) => Serializer.Serialize(r, writer), static json => System.Text.Json.JsonElement.Parse(json));
    }

    /// <summary>
    /// Gives the resource a UUID derived from its content (serialised without id): its type name and its JSON as
    /// Firely's <c>SerializeToString</c> writes it, hashed from a reused buffer rather than a string made for it.
    /// </summary>
    private static T Identify<T>(T resource)
        where T : Resource
    {
        resource.Id = null;
        resource.Id = ReusableUtf8Buffer.Write(AsText, resource, static (writer, r) => Serializer.Serialize(r, writer), json =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(Encoding.UTF8.GetBytes(resource.TypeName));
            hash.AppendData(json);
            return ContentUuid.OfSha256(hash.GetHashAndReset());
        });
        return resource;
    }

    /// <summary>A name-based UUID (RFC 4122 layout, version 5 bits) from SHA-256 of the content.</summary>
    private static string IdOf(string content) => ContentUuid.Of(Encoding.UTF8.GetBytes(content));
}
