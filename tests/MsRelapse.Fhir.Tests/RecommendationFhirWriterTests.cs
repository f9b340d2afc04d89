// Firely POCO properties are all nullable; the assertions themselves check presence.
#pragma warning disable CS8602, CS8604

using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Fhir.Tests;

/// <summary>fhir-profile.md "Write": the recommendation as CPG-on-FHIR resources, round-tripped through Firely.</summary>
public sealed class RecommendationFhirWriterTests
{
    private static readonly DateOnly AsOf = new(2026, 5, 11);

    private static Recommendation Recommend(string example) =>
        FhirEvaluation.Evaluate(File.ReadAllText(Path.Combine(SharedData.Examples, example)), AsOf).Recommendation!;

    /// <summary>Serialise, then parse back strictly with Firely: the output must be valid FHIR JSON.</summary>
    private static Bundle RoundTrip(Recommendation r)
    {
        var json = RecommendationFhirWriter.Serialize(r);
        return new FhirJsonDeserializer().Deserialize<Bundle>(json);
    }

    private static T Resolve<T>(Bundle bundle, ResourceReference reference)
        where T : Resource =>
        Assert.IsType<T>(Assert.Single(bundle.Entry, e => e.FullUrl == reference.Reference).Resource);

    [Fact]
    public void Steroid_refractory_relapse_becomes_a_draft_RequestGroup_with_a_plasma_exchange_ServiceRequest_on_the_session_dates()
    {
        var r = Recommend("steroid-refractory-relapse.json");
        var bundle = RoundTrip(r);
        Assert.Equal(Bundle.BundleType.Collection, bundle.Type);

        var group = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<RequestGroup>());
        Assert.Equal(RequestStatus.Draft, group.Status);
        Assert.Equal(RequestIntent.Proposal, group.Intent);
        Assert.Equal("Patient/p1", group.Subject.Reference);
        Assert.Equal(RequestPriority.Asap, group.Priority); // urgent = within 24–48 h

        var primary = group.Action[0];
        Assert.Equal("plasma-exchange", primary.Title);
        var tpe = Resolve<ServiceRequest>(bundle, primary.Resource);
        Assert.Equal(RequestIntent.Proposal, tpe.Intent);
        Assert.Contains(tpe.Code.Coding, c => c.System == "http://www.ama-assn.org/go/cpt" && c.Code == "36514");
        var timing = Assert.IsType<Timing>(tpe.Occurrence);
        // 5 exchanges every other day from asOf + 2 (ACE inhibitor held): 13, 15, 17, 19, 21 May.
        Assert.Equal(["2026-05-13", "2026-05-15", "2026-05-17", "2026-05-19", "2026-05-21"], timing.Event);
        // The plan's numbers read as on every other surface (PlanNumbers): PV 3,035 mL, albumin 151.7 g (issue 12).
        Assert.Contains(tpe.Note, n => n.Text.Contains("exchange volume 3,035 mL", StringComparison.Ordinal)
            && n.Text.Contains("151.7 g albumin (13 vials of 12.5 g)", StringComparison.Ordinal));

        var alternatives = Assert.Single(group.Action, a => a.Title == "alternatives");
        Assert.Equal(["immunoadsorption", "escalated-iv-methylprednisolone", "ivig"], alternatives.Action.Select(a => a.Title));

        var issue = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<DetectedIssue>());
        Assert.Equal(DetectedIssue.DetectedIssueSeverity.Moderate, issue.Severity); // warning → moderate
        Assert.Equal("tpe-caution-ace-inhibitor", issue.Code.Coding[0].Code);

        var carePlan = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<CarePlan>());
        Assert.Equal(RequestStatus.Draft, carePlan.Status);
        Assert.Contains(carePlan.Activity, a => a.Reference.Reference == primary.Resource.Reference);

        var provenance = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<Provenance>());
        Assert.Equal(r.FiredRules, provenance.Entity.Select(e => e.What.Identifier.Value));
        Assert.Contains(r.Engine.Version, provenance.Agent[0].Who.Display, StringComparison.Ordinal);
        Assert.Contains("2026.2", provenance.Policy.First(), StringComparison.Ordinal);
        Assert.Equal(bundle.Entry.Count - 1, provenance.Target.Count);

        // 2026.2: one note on the plasma exchange request lists the seven apheresis response factors.
        var exchange = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<ServiceRequest>(), s => s.Code.Text == "Therapeutic plasma exchange");
        var factors = Assert.Single(exchange.Note, n => n.Text.StartsWith("Apheresis response factors", StringComparison.Ordinal));
        Assert.All(["time-to-apheresis", "age", "disease-course", "mri-activity", "reflexes", "disease-duration", "disability-at-attack"],
            f => Assert.Contains(f + ":", factors.Text, StringComparison.Ordinal));
        // Each factor with its direction and its published effect (the CLI's words), one list item each; never a bare
        // "favours continuous" or "favours Unknown".
        Assert.All(r.ApheresisResponseFactors, f => Assert.Contains("\n- " + ResponseFactorWords.Line(f), factors.Text, StringComparison.Ordinal));
        Assert.Contains("effect: younger is better: odds of response × 0.5 per 5 years older", factors.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("favours continuous", factors.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("favours Unknown", factors.Text, StringComparison.Ordinal);

        // The pathway that made it: the RequestGroup instantiates the PlanDefinition, each request its ActivityDefinition,
        // and the Provenance's policy is the PlanDefinition (versioned as the knowledge base).
        var planDefinition = $"{KnowledgeCanonicals.PlanDefinition}|{r.Engine.KnowledgeBase}";
        Assert.Equal([planDefinition], group.InstantiatesCanonical);
        Assert.Equal([planDefinition], provenance.Policy);
        Assert.Equal([$"{KnowledgeCanonicals.Base}/ActivityDefinition/plasma-exchange|{r.Engine.KnowledgeBase}"], exchange.InstantiatesCanonical);
    }

    /// <summary>
    /// FHIR R4 invariant rqg-1 ("must have resource or action but not both") on every action of every example's
    /// RequestGroup: a step without a plan and each alternative refer to a draft Task in the Bundle
    /// (never a Medication/ServiceRequest: those are the orders CDS Hooks proposes).
    /// </summary>
    [Theory]
    [InlineData("steroid-refractory-relapse.json")]
    [InlineData("severe-relapse-untreated.json")]
    public void Every_request_group_action_has_a_resource_or_sub_actions_but_not_both(string example)
    {
        var bundle = RoundTrip(Recommend(example));
        var group = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<RequestGroup>());
        static IEnumerable<RequestGroup.ActionComponent> All(IEnumerable<RequestGroup.ActionComponent> actions) =>
            actions.SelectMany(a => All(a.Action).Prepend(a));
        Assert.All(All(group.Action), a => Assert.True((a.Resource is not null) != (a.Action.Count > 0), $"rqg-1: action {a.Title}"));
        Assert.All(All(group.Action).Where(a => a.Resource is not null), a => Assert.Contains(bundle.Entry, e => e.FullUrl == a.Resource.Reference));
        var options = bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Task>().Where(c => c.Intent == Hl7.Fhir.Model.Task.TaskIntent.Option).ToList();
        Assert.Equal(group.Action.Where(a => a.Title == "alternatives").SelectMany(a => a.Action).Count(), options.Count);
    }

    /// <summary>
    /// 2026.2 "a course in progress is planned as the rest of that course": with 4 of 5 exchanges given, the plasma
    /// exchange request's occurrenceTiming holds the remaining session only, and its note says "session 5 of 5".
    /// </summary>
    [Fact]
    public void Course_in_progress_is_requested_as_its_remaining_session_only()
    {
        var asOf = AsOf;
        var bundle = new MsRelapse.Testing.PatientBundle(asOf).Female(40).Ms()
            .Edss(asOf.AddDays(-200), 2.0).Weight(asOf.AddDays(-3), 70).Height(asOf.AddDays(-3), 168).Hematocrit(asOf.AddDays(-3), 40)
            .Relapse(asOf.AddDays(-30)).Edss(asOf.AddDays(-29), 4.5).IvMethylprednisolone(asOf.AddDays(-28)).Edss(asOf.AddDays(-15), 4.5)
            .PlasmaExchangeSessions(asOf.AddDays(-7), asOf.AddDays(-5), asOf.AddDays(-3), asOf.AddDays(-1));
        var r = FhirEvaluation.Evaluate(bundle.ToJson(), asOf).Recommendation!;
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        var written = RoundTrip(r);
        var exchange = Assert.Single(written.Entry.Select(e => e.Resource).OfType<ServiceRequest>(), s => s.Code.Text == "Therapeutic plasma exchange");
        var timing = Assert.IsType<Timing>(exchange.Occurrence);
        Assert.Equal(["2026-05-12"], timing.Event);
        Assert.Contains(exchange.Note, n => n.Text.Contains("session 5 of 5 on 2026-05-12", StringComparison.Ordinal));
        Assert.Contains(exchange.Note, n => n.Text.Contains("end of the course (2026-05-12)", StringComparison.Ordinal) && n.Text.Contains("(2026-06-09;", StringComparison.Ordinal));
    }

    [Fact]
    public void Severe_untreated_relapse_becomes_a_MedicationRequest_for_IV_methylprednisolone_1000_mg_for_5_days()
    {
        var bundle = RoundTrip(Recommend("severe-relapse-untreated.json"));
        var request = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<MedicationRequest>());
        Assert.Equal(MedicationRequest.MedicationRequestIntent.Proposal, request.Intent);
        var medication = Assert.IsType<CodeableConcept>(request.Medication);
        Assert.Contains(medication.Coding, c => c.System == "http://www.nlm.nih.gov/research/umls/rxnorm" && c.Code == "6902");
        var dosage = Assert.Single(request.DosageInstruction);
        Assert.Equal("47625008", dosage.Route.Coding[0].Code);
        Assert.Equal(5, dosage.Timing.Repeat.Count);
        var dose = Assert.IsType<Quantity>(dosage.DoseAndRate[0].Dose);
        Assert.Equal(1000m, dose.Value);
        Assert.Equal("mg", dose.Code);
    }

    [Fact]
    public void AQP4_positive_attack_raises_a_high_severity_DetectedIssue_and_concurrent_actions()
    {
        var bundle = RoundTrip(Recommend("aqp4-positive-myelitis.json"));
        var nmosd = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<DetectedIssue>(), i => i.Code.Coding[0].Code == "possible-nmosd");
        Assert.Equal(DetectedIssue.DetectedIssueSeverity.High, nmosd.Severity);
        var group = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<RequestGroup>());
        Assert.Equal(RequestPriority.Stat, group.Priority); // emergency = same day
        Assert.Contains(group.Action, a => a.Title == "iv-methylprednisolone" && a.Resource is not null);
        Assert.Contains(group.Action, a => a.Title == "specialist-review");
    }

    [Fact]
    public void Every_reference_in_the_bundle_resolves_and_ids_are_content_derived_UUIDs()
    {
        foreach (var example in new[] { "steroid-refractory-relapse.json", "severe-relapse-untreated.json", "pseudo-relapse-with-fever.json", "aqp4-positive-myelitis.json" })
        {
            var bundle = RoundTrip(Recommend(example));
            var urls = bundle.Entry.Select(e => e.FullUrl).ToHashSet();
            Assert.All(bundle.Entry, e =>
            {
                Assert.Equal($"urn:uuid:{e.Resource.Id}", e.FullUrl);
                Assert.True(Guid.TryParse(e.Resource.Id, out _));
            });
            var provenance = bundle.Entry.Select(e => e.Resource).OfType<Provenance>().Single();
            Assert.All(provenance.Target, t => Assert.Contains(t.Reference, urls));
            var group = bundle.Entry.Select(e => e.Resource).OfType<RequestGroup>().Single();
            Assert.All(group.Action.Where(a => a.Resource is not null), a => Assert.Contains(a.Resource.Reference, urls));
            var carePlan = bundle.Entry.Select(e => e.Resource).OfType<CarePlan>().Single();
            Assert.All(carePlan.Activity, a => Assert.Contains(a.Reference.Reference, urls));
        }
    }

    [Fact]
    public void Same_recommendation_gives_the_same_FHIR_bytes()
    {
        var a = RecommendationFhirWriter.Serialize(Recommend("steroid-refractory-relapse.json"));
        var b = RecommendationFhirWriter.Serialize(Recommend("steroid-refractory-relapse.json"));
        Assert.Equal(a, b);
        Assert.DoesNotContain(DateTime.Now.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), a, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_become_an_OperationOutcome_with_code_message_resource_and_path()
    {
        var errors = new[]
        {
            new InputError("value-out-of-range", "Weight 900 kg is outside 2–400 kg.", new SourceRef("Observation/w9", "Observation.valueQuantity")),
            new InputError("multiple-patients", "Two patients.", new SourceRef("Condition/c9")),
        };
        var json = RecommendationFhirWriter.SerializeErrors(errors);
        var outcome = new FhirJsonDeserializer().Deserialize<OperationOutcome>(json);
        Assert.Equal(2, outcome.Issue.Count);
        Assert.All(outcome.Issue, i => Assert.Equal(OperationOutcome.IssueSeverity.Error, i.Severity));
        Assert.Equal("value-out-of-range", outcome.Issue[0].Details.Coding[0].Code);
        Assert.Equal("Weight 900 kg is outside 2–400 kg.", outcome.Issue[0].Details.Text);
        Assert.Equal("Observation/w9", outcome.Issue[0].Diagnostics);
        Assert.Equal(["Observation.valueQuantity"], outcome.Issue[0].Expression);
        Assert.Equal(OperationOutcome.IssueType.BusinessRule, outcome.Issue[1].Code);
    }

    [Theory]
    [InlineData("severe-relapse-untreated")]
    [InlineData("steroid-refractory-relapse")]
    [InlineData("pseudo-relapse-with-fever")]
    [InlineData("aqp4-positive-myelitis")]
    public void Step_requests_are_the_proposals_the_bundles_RequestGroup_points_at_with_the_same_ids_and_json(string example)
    {
        // What a CDS Hooks card proposes (StepRequests) must be what the FHIR output proposes for the same steps.
        var r = Recommend(example + ".json");
        var bundle = RecommendationFhirWriter.ToBundle(r);
        var group = bundle.Entry.Select(e => e.Resource).OfType<RequestGroup>().Single();
        var inBundle = group.Action
            .Select(a => (a.Title, Resource: bundle.Entry.SingleOrDefault(e => e.FullUrl == a.Resource?.Reference)?.Resource))
            .Where(a => a.Resource is MedicationRequest or ServiceRequest)
            .ToDictionary(a => a.Title!, a => a.Resource!);

        var requests = RecommendationFhirWriter.StepRequests(r);

        Assert.Equal(inBundle.Keys.Order(), requests.Keys.Select(WireNames.Of).Order());
        var serializer = new FhirJsonSerializer();
        foreach (var (step, resource) in requests)
        {
            var expected = inBundle[WireNames.Of(step)];
            Assert.Equal(expected.Id, resource.Id);
            Assert.Equal(serializer.SerializeToString(expected), serializer.SerializeToString(resource));
        }
    }
}
