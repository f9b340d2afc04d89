using System.Collections.Concurrent;
using System.Text.Json;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MsRelapse.Core.Pathway;
using MsRelapse.Fhir;
using MsRelapse.Server.Infrastructure;
using MsRelapse.Storage;

namespace MsRelapse.Server.CdsHooks;

/// <summary>
/// HL7 CDS Hooks 2.0 on <c>msrelapse serve</c> (issue 9; the surface is shared/contract/cds-hooks.md): discovery,
/// patient-view, order-select, order-sign and feedback, with the specification's client tokens.
/// </summary>
public static class CdsHooksEndpoints
{
    /// <summary>Registers the CDS Hooks services from configuration section <c>CdsHooks</c>.</summary>
    /// <exception cref="ServerConfigurationException">A client is configured without an issuer or without keys.</exception>
    public static IServiceCollection AddCdsHooks(this IServiceCollection services, IConfiguration configuration, ServerOptions server)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(server);
        // Bound when first resolved (MapCdsHooks, at start): configuration added after this call counts too.
        services.AddSingleton(sp => ReadOptions(sp.GetRequiredService<IConfiguration>(), server));
        // One connection pool for the EHRs' FHIR servers and key URLs, with the address check (OutboundAddresses).
        services.AddSingleton(sp => new OutboundHandler(OutboundAddresses.CreateHandler(sp.GetRequiredService<CdsHooksOptions>())));
        services.AddSingleton(sp => new JwksStore(sp.GetRequiredService<CdsHooksOptions>(), sp.GetRequiredService<OutboundHandler>().Handler, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<CdsTokenValidator>();
        services.AddSingleton(sp => new PrefetchAssembler(sp.GetRequiredService<CdsHooksOptions>(), sp.GetRequiredService<OutboundHandler>().Handler));
        services.AddSingleton<CdsHooksMetrics>();
        services.AddSingleton<CdsHookHandler>();
        services.AddHostedService<FhirClientWarmUp>();
        return services;
    }

    private static CdsHooksOptions ReadOptions(IConfiguration configuration, ServerOptions server)
    {
        var options = new CdsHooksOptions();
        configuration.GetSection(CdsHooksOptions.Section).Bind(options);
        options.RequireAuthentication ??= !Security.IsLoopbackOnly(server.Urls);
        if (options.PublicBaseUrl is { } publicBase
            && (!Uri.TryCreate(publicBase, UriKind.Absolute, out var parsedBase) || parsedBase.Scheme is not ("https" or "http") || parsedBase.Query.Length > 0))
        {
            throw new ServerConfigurationException($"CdsHooks:PublicBaseUrl must be an absolute http(s) URL without a query (e.g. https://cds.example.org); got '{publicBase}'");
        }

        // A token's aud is compared with the URL the call was made to. Off loopback, that URL must not be read from the
        // request's Host header, which the caller chooses: a token issued for another deployment that trusts the same
        // EHR would pass here with that deployment's Host. So clients off loopback need the service's public URL.
        if (options.RequireAuthentication == true && options.Clients.Count > 0 && options.PublicBaseUrl is null && !Security.IsLoopbackOnly(server.Urls))
        {
            throw new ServerConfigurationException(
                "CdsHooks:PublicBaseUrl is required when CDS Hooks clients are trusted and the service listens beyond loopback: " +
                "tokens' aud is compared with it, never with the request's Host header (e.g. env CdsHooks__PublicBaseUrl=https://cds.example.org)");
        }
        foreach (var (client, i) in options.Clients.Select((c, i) => (c, i)))
        {
            if (string.IsNullOrWhiteSpace(client.Issuer))
            {
                throw new ServerConfigurationException($"CdsHooks:Clients:{i}:Issuer is required (the client's iss)");
            }

            if (client.Jwks is null && client.JwksFile is null && client.JwksUrl is null)
            {
                throw new ServerConfigurationException($"CdsHooks:Clients:{i} needs its keys: Jwks (inline JWK Set), JwksFile or JwksUrl");
            }
        }

        return options;
    }

    /// <summary>Maps <c>/cds-services</c> and the feedback list <c>/api/patients/{id}/cds-feedback</c>.</summary>
    /// <param name="app">The application.</param>
    /// <param name="restAuthEnabled">Whether the REST API requires its bearer tokens (the feedback list is a REST read).</param>
    public static WebApplication MapCdsHooks(this WebApplication app, bool restAuthEnabled)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<CdsHooksOptions>();
        app.Use((context, next) => Cors(context, next, options));

        var group = app.MapGroup("/cds-services").WithTags("CDS Hooks").ExcludeFromDescription();
        group.MapGet("", (HttpContext context, CdsHookHandler handler) => handler.DiscoveryAsync(context));
        group.MapPost("{id}", (string id, HttpContext context, CdsHookHandler handler) => handler.HookAsync(id, context)).LimitEvaluations();
        group.MapPost("{id}/feedback", (string id, HttpContext context, CdsHookHandler handler) => handler.FeedbackAsync(id, context));

        app.MapGet("/api/patients/{id}/cds-feedback", async (string id, ICdsHooksStore store, CancellationToken ct) =>
        {
            if (!CdsRequest.IsFhirId(id))
            {
                return Problems.InvalidParameter("id", "a FHIR id: 1 to 64 characters from A-Z, a-z, 0-9, '-' and '.'");
            }

            var feedback = await store.ListFeedbackAsync(id, ct).ConfigureAwait(false);
            return Results.Json(new CdsFeedbackList([.. feedback.Select(f => new CdsFeedbackItem(
                f.ServiceId, f.CardUuid, f.Outcome, f.OutcomeTimestamp, f.AcceptedSuggestions,
                f.OverrideReasonCode is null ? null : new CdsOverrideReason(f.OverrideReasonSystem, f.OverrideReasonCode,
                    PatientViewCards.OverrideReasons.FirstOrDefault(r => r.Code == f.OverrideReasonCode && r.System == f.OverrideReasonSystem)?.Display),
                f.ReceivedAt))]), CdsJson.Options);
        }).WithTags("Patients").WithSummary("Feedback clinicians gave in their EHR on MsRelapse CDS Hooks cards for this patient (oldest first).")
          .Produces<CdsFeedbackList>(StatusCodes.Status200OK)
          .ProducesProblem(StatusCodes.Status400BadRequest)
          .Require(restAuthEnabled, Security.RegistryReaderPolicy);
        return app;
    }

    /// <summary>CORS for browser-based CDS clients: preflight answered only for the configured origins.</summary>
    private static Task Cors(HttpContext context, RequestDelegate next, CdsHooksOptions options)
    {
        if (!context.Request.Path.StartsWithSegments("/cds-services", StringComparison.Ordinal))
        {
            return next(context);
        }

        var origin = context.Request.Headers.Origin.ToString();
        var allowed = origin.Length > 0 && options.AllowedOrigins.Contains(origin, StringComparer.Ordinal);
        if (allowed)
        {
            context.Response.Headers.AccessControlAllowOrigin = origin;
            context.Response.Headers.Vary = "Origin";
        }

        if (HttpMethods.IsOptions(context.Request.Method) && context.Request.Headers.AccessControlRequestMethod.Count > 0)
        {
            if (allowed)
            {
                context.Response.Headers.AccessControlAllowMethods = "GET, POST, OPTIONS";
                context.Response.Headers.AccessControlAllowHeaders = "Authorization, Content-Type";
                context.Response.Headers.AccessControlMaxAge = "600";
                context.Response.StatusCode = StatusCodes.Status204NoContent;
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
            }

            DisableStatusPages(context);
            return Task.CompletedTask;
        }

        return next(context);
    }

    /// <summary>A call to <c>/cds-services</c> from an origin on <c>CdsHooks:AllowedOrigins</c> (a browser-based CDS client).</summary>
    public static bool IsAllowedCrossOrigin(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var origin = context.Request.Headers.Origin.ToString();
        return origin.Length > 0 && context.Request.Path.StartsWithSegments("/cds-services", StringComparison.Ordinal)
            && context.RequestServices.GetService<CdsHooksOptions>() is { } options
            && options.AllowedOrigins.Contains(origin, StringComparer.Ordinal);
    }

    internal static void DisableStatusPages(HttpContext context)
    {
        if (context.Features.Get<IStatusCodePagesFeature>() is { } pages)
        {
            pages.Enabled = false;
        }
    }
}

/// <summary>Runs one CDS Hooks call: token, request, record, evaluation, cards.</summary>
internal sealed partial class CdsHookHandler(
    CdsHooksOptions options,
    CdsTokenValidator tokens,
    PrefetchAssembler prefetch,
    ICdsHooksStore store,
    CdsHooksMetrics metrics,
    ServerMetrics serverMetrics,
    TimeProvider time,
    ILogger<CdsHookHandler> logger)
{
    private const int MaxFeedbackItems = 100;
    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings { Validator = null });

    // Cards already recorded for their patient by this instance (the database insert is idempotent; this only saves it).
    private readonly ConcurrentDictionary<string, byte> _recorded = new(StringComparer.Ordinal);

    public async Task<IResult> DiscoveryAsync(HttpContext context)
    {
        // Discovery carries no patient data: answered with a valid token, or without any token at all (the contract allows both).
        if (options.RequireAuthentication == true && context.Request.Headers.Authorization.Count > 0
            && !await tokens.ValidateAsync(context.Request, Audience(context), context.RequestAborted).ConfigureAwait(false))
        {
            return Unauthorized(context);
        }

        return Results.Json(CdsServices.Discovery, CdsJson.Options);
    }

    public async Task<IResult> HookAsync(string id, HttpContext context)
    {
        if (!CdsServices.HookOf.TryGetValue(id, out var hook))
        {
            metrics.Call("unknown", 404);
            return Outcome(404, "unknown-service", "No CDS service with this id; GET /cds-services lists them.");
        }

        if (!await AuthorisedAsync(context).ConfigureAwait(false))
        {
            metrics.Call(id, 401);
            return Unauthorized(context);
        }

        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        var parsed = CdsRequest.Parse(body, out var error);
        if (parsed is null)
        {
            metrics.Call(id, 400);
            return Outcome(400, "invalid-request", error!);
        }

        using var document = parsed.Document;
        if (!string.Equals(parsed.Hook, hook, StringComparison.Ordinal))
        {
            metrics.Call(id, 400);
            return Outcome(400, "wrong-hook", $"This service answers the hook '{hook}'; the request is for '{parsed.Hook}'.");
        }

        IReadOnlyList<DraftOrder> drafts = [];
        if (hook != "patient-view")
        {
            if (ReadDrafts(parsed, hook, out drafts) is { } draftError)
            {
                metrics.Call(id, 400);
                return Outcome(400, draftError.Code, draftError.Message);
            }
        }

        AssembledRecord record;
        try
        {
            // A fhirServer off the allow-lists is never called (nor handed the access token): what it would have given is unavailable.
            var fhirServerAllowed = parsed.FhirServer is { } fhirServer
                && OutboundAddresses.FhirServerAllowed(fhirServer, options, context.Items[CdsTokenValidator.ClientItem] as CdsClientOptions);
            var budget = prefetch.NewBudget(); // one for the call: the searches and the Medications after them
            record = await prefetch.AssembleAsync(parsed, fhirServerAllowed, budget, context.RequestAborted).ConfigureAwait(false);

            // Medications named by reference and not sent (formulary entries): fetched, for the record and the drafts.
            var fetched = await prefetch.ReferencedMedicationsAsync(parsed, record.Resources, UnresolvedMedicationReferences(drafts), fhirServerAllowed, budget, context.RequestAborted).ConfigureAwait(false);
            if (fetched.Count > 0)
            {
                record = record with { Resources = [.. record.Resources, .. fetched] };
                drafts = WithMedications(drafts, fetched);
            }
        }
        catch (PrefetchException ex)
        {
            metrics.Call(id, ex.Status);
            return Outcome(ex.Status, ex.Code, ex.Message);
        }

        var asOf = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var draftsKey = hook == "patient-view" ? "" : parsed.Context.TryGetProperty("draftOrders", out var d) ? d.GetRawText() : "";
        FhirEvaluationOutcome outcome;
        try
        {
            // The prefetch was parsed once with the request: the UTF-8 reader maps those elements as they are (the
            // differential test holds it to the Firely reader's record); nothing is written out and parsed again.
            outcome = FhirEvaluation.Evaluate(Utf8RecordReader.ReadParsed(record.Resources), asOf);
        }
#pragma warning disable CA1031 // The adapter promises not to throw on input; if it does, the record is refused (400), never a 500.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            metrics.Call(id, 400);
            return Outcome(400, FhirErrorCodes.ParseError, $"The prefetched record could not be read as FHIR R4 ({ex.GetType().Name}).");
        }

        // Card uuids come from what was evaluated: the recommendation (the same clinical content gives the same uuids
        // whether the record was prefetched or fetched, in whatever order), else the record's bytes; and the drafts.
        var evaluated = outcome.Recommendation is { } rec && outcome.Errors.Count == 0
            ? Core.Contract.RecommendationJson.WithUtf8(rec, static json => CdsIds.HashLine(json)) // = Hash(SerializeUtf8Line(rec))
            : CdsIds.Hash(record.BundleUtf8);
        var inputKey = evaluated + CdsIds.Of(asOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), draftsKey);
        var cardContext = new CardContext(id, parsed.PatientId, inputKey, PageUrl(context, parsed.PatientId), options.SmartLaunchUrl is null ? "absolute" : "smart");

        var cards = new List<CdsCard>();
        if (outcome.Recommendation is not { } recommendation || outcome.Errors.Count > 0)
        {
            var structural = outcome.Errors.FirstOrDefault(e => e.Code is FhirErrorCodes.ParseError or FhirErrorCodes.NotABundle or FhirErrorCodes.MultiplePatients);
            if (structural is not null)
            {
                metrics.Call(id, 400);
                return Outcome(400, structural.Code, structural.Message);
            }

            cards.Add(PatientViewCards.Rejection(outcome.Errors, cardContext));
            recommendation = null;
        }
        else
        {
            serverMetrics.CountEvaluation(WireNames.Of(recommendation.Advice.Primary));
            cards.AddRange(hook == "patient-view"
                ? PatientViewCards.Build(recommendation, cardContext)
                : OrderCards.Build(recommendation, drafts, cardContext));
        }

        // The incomplete-record warning: with a rejection card; never for no-episode (the Patient and Conditions were had,
        // so what is missing cannot make it a relapse: the contract's empty answer stands); on patient-view; and on the
        // order hooks whenever a draft is a glucocorticoid or apheresis order, agreeing or not — the missing allergies,
        // blood pressure or temperature are what would show it contraindicated.
        var degraded = record.Unavailable.Count > 0 && (recommendation is null
            ? cards.Count > 0
            : recommendation.Episode.Status != EpisodeStatus.NoEpisode && (hook == "patient-view" || cards.Count > 0 || OrderCards.AnyTherapy(drafts)));
        if (degraded)
        {
            var card = PatientViewCards.Degraded(record.Unavailable, cardContext, recommendation);
            if (hook == "patient-view" && cards.Count > 0)
            {
                // Said on the card that carries the one-click proposals too, not only on a card after it: a steroid course
                // the missing medication data would have shown makes a repeat pulse of the proposal (review of the surface).
                cards[0] = cards[0] with { Detail = PatientViewCards.IncompleteWarning(record.Unavailable) + "\n\n" + cards[0].Detail };
            }

            cards.Add(hook == "patient-view" ? card : card with
            {
                Detail = card.Detail + " The draft orders were checked without them: an allergy, a low blood pressure, a fever or an infection recorded there would contraindicate a steroid or apheresis order.",
            });
        }

        foreach (var card in cards)
        {
            metrics.Card(id, card.Indicator);
            if (!_recorded.ContainsKey(card.Uuid))
            {
                try
                {
                    await store.RecordCardAsync(card.Uuid, id, parsed.PatientId, context.RequestAborted).ConfigureAwait(false);
                    if (_recorded.Count > 100_000)
                    {
                        _recorded.Clear();
                    }

                    _recorded.TryAdd(card.Uuid, 0); // only once stored: a failed insert is tried again on the next call
                }
#pragma warning disable CA1031 // The card links later feedback to its patient; failing to store it must not withhold the answer.
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    CardNotRecorded(logger, id, ex.GetType().Name);
                }
            }
        }

        metrics.Call(id, 200);
        return Results.Json(new CdsResponse(cards), CdsJson.Options);
    }

    public async Task<IResult> FeedbackAsync(string id, HttpContext context)
    {
        if (!CdsServices.HookOf.ContainsKey(id))
        {
            return Outcome(404, "unknown-service", "No CDS service with this id.");
        }

        if (!await AuthorisedAsync(context).ConfigureAwait(false))
        {
            return Unauthorized(context);
        }

        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        var items = new List<NewCdsFeedback>();
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("feedback", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > MaxFeedbackItems)
            {
                return Outcome(400, "invalid-feedback", $"'feedback' must be an array of 1 to {MaxFeedbackItems} entries.");
            }

            foreach (var item in list.EnumerateArray())
            {
                // Every entry checked, the store's own rules included, before any is stored: a bad entry refuses the
                // batch whole (400), never after part of it was stored.
                if (ReadFeedback(id, item, out var error) is { } feedback && (error = feedback.Problem()) is null)
                {
                    items.Add(feedback);
                }
                else
                {
                    return Outcome(400, "invalid-feedback", error!);
                }
            }
        }
        catch (JsonException)
        {
            return Outcome(400, "invalid-feedback", "The request body is not valid JSON.");
        }
        catch (InvalidOperationException)
        {
            return Outcome(400, "invalid-feedback", "A feedback entry has a member of the wrong JSON type.");
        }

        int stored = 0, repeated = 0;
        foreach (var item in items)
        {
            try
            {
                var write = await store.AddFeedbackAsync(item, context.RequestAborted).ConfigureAwait(false);
                if (write.Created)
                {
                    stored++;
                    metrics.Feedback(id, item.Outcome, item.OverrideReasonCode);
                }
                else
                {
                    repeated++;
                }
            }
            catch (ArgumentException ex)
            {
                return Outcome(400, "invalid-feedback", ex.Message);
            }
        }

        return Results.Json(new { stored, alreadyStored = repeated }, CdsJson.Options);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "CDS card of {Service} not recorded for feedback ({Error}); answered, and tried again on the next call")]
    private static partial void CardNotRecorded(ILogger logger, string service, string error);

    private static NewCdsFeedback? ReadFeedback(string service, JsonElement item, out string? error)
    {
        error = null;
        string? Str(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var card = Str(item, "card");
        var outcome = Str(item, "outcome");
        if (card is null || !Guid.TryParseExact(card, "D", out _))
        {
            error = "Each feedback entry needs 'card': the card's uuid.";
            return null;
        }

        if (outcome is not ("accepted" or "overridden"))
        {
            error = "Each feedback entry needs 'outcome': 'accepted' or 'overridden'.";
            return null;
        }

        if (!DateTimeOffset.TryParse(Str(item, "outcomeTimestamp"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
        {
            error = "Each feedback entry needs 'outcomeTimestamp' (ISO 8601).";
            return null;
        }

        var accepted = new List<string>();
        if (item.TryGetProperty("acceptedSuggestions", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var s in list.EnumerateArray())
            {
                if (Str(s, "id") is { } sid && Guid.TryParseExact(sid, "D", out _))
                {
                    accepted.Add(sid);
                }
                else
                {
                    error = "Each accepted suggestion needs 'id': the suggestion's uuid.";
                    return null;
                }
            }
        }

        string? system = null, code = null;
        if (item.TryGetProperty("overrideReason", out var reason) && reason.ValueKind == JsonValueKind.Object
            && reason.TryGetProperty("reason", out var coding) && coding.ValueKind == JsonValueKind.Object)
        {
            system = Str(coding, "system");
            code = Str(coding, "code");

            // CDS Hooks 2.0: the override reason is "selected by the end user" from the card's overrideReasons; every card
            // offers the same list, so a reason outside it was not offered by this service (and its code, counted in the
            // metrics, would be a label chosen by the caller).
            if (!PatientViewCards.OverrideReasons.Any(r => r.System == system && r.Code == code))
            {
                error = $"'overrideReason.code' and its system must be one of the reasons the cards offer ({string.Join(", ", PatientViewCards.OverrideReasons.Select(r => r.Code))}, system {PatientViewCards.OverrideReasons[0].System}).";
                return null;
            }
        }

        // userComment is free text: never stored (it may name the patient).
        return new NewCdsFeedback(service, card, outcome, at, accepted, system, code);
    }

    /// <summary>The <c>medicationReference</c>s of the draft medication orders that their Bundle (or the order itself) does not resolve.</summary>
    private static IEnumerable<string> UnresolvedMedicationReferences(IReadOnlyList<DraftOrder> drafts) =>
        drafts.Select(d => d.Resource is MedicationRequest { Medication: ResourceReference { Reference: { } reference } } && !reference.StartsWith('#') && !d.Medications.ContainsKey(reference) ? reference : null)
            .OfType<string>();

    /// <summary>The drafts with the fetched Medications added to what their references can name (<c>Medication/id</c> and the absolute URL).</summary>
    private static IReadOnlyList<DraftOrder> WithMedications(IReadOnlyList<DraftOrder> drafts, IReadOnlyList<ParsedResource> fetched)
    {
        if (drafts.Count == 0)
        {
            return drafts;
        }

        var medications = new Dictionary<string, Medication>(drafts[0].Medications, StringComparer.Ordinal);
        foreach (var (json, fullUrl) in fetched)
        {
            Medication medication;
            try
            {
                medication = Deserializer.Deserialize<Medication>(json.GetRawText());
            }
#pragma warning disable CA1031 // A Medication the FHIR parser refuses names nothing for the drafts (the reader, on the record, notes what it cannot use).
            catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                continue;
            }

            medications.TryAdd("Medication/" + medication.Id, medication);
            if (fullUrl is not null)
            {
                medications.TryAdd(fullUrl, medication);
            }
        }

        return [.. drafts.Select(d => d with { Medications = medications })];
    }

    /// <summary>
    /// The draft orders to check (order-select: the selected ones), or why the request is refused: the draft orders are
    /// not a Bundle (<c>invalid-draft-orders</c>), a selection names no draft order of the Bundle (<c>invalid-selections</c>:
    /// checking the other drafts instead would answer for orders the clinician did not select, and saying nothing would
    /// read as "no objection"), or a draft order is for another patient (<c>other-patient</c>, as a prefetch of another
    /// patient's data is: its checks would be made against the wrong record).
    /// </summary>
    internal static (string Code, string Message)? ReadDrafts(CdsRequest request, string hook, out IReadOnlyList<DraftOrder> drafts)
    {
        drafts = [];
        if (!request.Context.TryGetProperty("draftOrders", out var element) || element.ValueKind != JsonValueKind.Object)
        {
            return ("invalid-draft-orders", "'context.draftOrders' is required (a Bundle).");
        }

        Bundle bundle;
        try
        {
            bundle = Deserializer.Deserialize<Bundle>(element.GetRawText());
        }
#pragma warning disable CA1031 // Whatever the FHIR parser throws on a bad draft, the answer is 400.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return ("invalid-draft-orders", $"'context.draftOrders' is not a FHIR R4 Bundle ({FhirParseProblem(ex)}).");
        }

        // The position is the entry's in the Bundle (before any selection): it identifies a draft without an id.
        // The Medications are the whole Bundle's: a selected order may name one that is not itself selected.
        var medications = TherapyCodes.MedicationsOf(bundle);
        var resources = bundle.Entry.Select((e, i) => e.Resource is { } r ? new DraftOrder(r, e.FullUrl, i, medications) : null).OfType<DraftOrder>().ToList();
        foreach (var draft in resources)
        {
            foreach (var member in (ReadOnlySpan<string>)["subject", "patient"])
            {
                if (draft.Resource.TryGetValue(member, out var value) && value is ResourceReference { Reference: { } reference }
                    && PrefetchAssembler.NamesAnotherPatient(reference, request.PatientId))
                {
                    return ("other-patient", $"context.draftOrders entry {draft.Index + 1} ({draft.Resource.TypeName}) is an order for a patient other than context.patientId.");
                }
            }
        }

        if (hook == "order-select" && request.Context.TryGetProperty("selections", out var selections))
        {
            // CDS Hooks 2.0 order-select: "selections" (required) holds the FHIR id of each selected draft, as
            // ResourceType/id, each a resource of draftOrders.
            if (selections.ValueKind != JsonValueKind.Array || selections.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String))
            {
                return ("invalid-selections", "'context.selections' must be an array of references (ResourceType/id) to resources of context.draftOrders.");
            }

            var byReference = resources.Where(d => !string.IsNullOrEmpty(d.Resource.Id)).GroupBy(d => $"{d.Resource.TypeName}/{d.Resource.Id}", StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var selected = new List<DraftOrder>();
            foreach (var selection in selections.EnumerateArray().Select(s => s.GetString()!).Distinct(StringComparer.Ordinal))
            {
                if (!byReference.TryGetValue(selection, out var draft))
                {
                    return ("invalid-selections", $"'context.selections' names '{Infrastructure.QueryParameters.Shorten(selection)}', which is not a resource of context.draftOrders (expected ResourceType/id of one of its entries).");
                }

                selected.Add(draft);
            }

            resources = [.. selected.OrderBy(d => d.Index)];
        }

        drafts = resources;
        return null;
    }

    /// <summary>What the FHIR parser found wrong, in its words where it has them (never the exception type alone).</summary>
    private static string FhirParseProblem(Exception ex) => ex switch
    {
        AggregateException { InnerExceptions: [var first, ..] } => Infrastructure.QueryParameters.Shorten(first.Message, 200), // Firely's DeserializationFailedException: every error it found
        FormatException or System.Text.Json.JsonException => Infrastructure.QueryParameters.Shorten(ex.Message, 200),
        _ => "it could not be read as one",
    };

    private async Task<bool> AuthorisedAsync(HttpContext context) =>
        options.RequireAuthentication != true || await tokens.ValidateAsync(context.Request, Audience(context), context.RequestAborted).ConfigureAwait(false);

    /// <summary>The URL the client called, which a token's <c>aud</c> must equal.</summary>
    private string Audience(HttpContext context)
    {
        var request = context.Request;
        var baseUrl = options.PublicBaseUrl?.TrimEnd('/') ?? $"{request.Scheme}://{request.Host}{request.PathBase}";
        return baseUrl + request.Path;
    }

    private string PageUrl(HttpContext context, string patientId)
    {
        if (options.SmartLaunchUrl is { } launch)
        {
            return launch;
        }

        var request = context.Request;
        var baseUrl = options.PublicBaseUrl?.TrimEnd('/') ?? $"{request.Scheme}://{request.Host}{request.PathBase}";
        return $"{baseUrl}/#/patients/{Uri.EscapeDataString(patientId)}";
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream(context.Request.ContentLength is { } n and < 16 * 1024 * 1024 ? (int)n : 64 * 1024);
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        // Sized from Content-Length, the buffer is usually exactly the body: no second copy of tens of kilobytes.
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    /// <summary>401 with no body and no detail; the token is never logged or echoed.</summary>
    private static IResult Unauthorized(HttpContext context)
    {
        CdsHooksEndpoints.DisableStatusPages(context);
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.StatusCode(StatusCodes.Status401Unauthorized);
    }

    /// <summary>An error as a FHIR OperationOutcome (the contract's 400 and 412), with our stable code.</summary>
    private static IResult Outcome(int status, string code, string message)
    {
        var outcome = new OperationOutcome
        {
            Issue =
            [
                new OperationOutcome.IssueComponent
                {
                    Severity = OperationOutcome.IssueSeverity.Error,
                    Code = status switch
                    {
                        412 => OperationOutcome.IssueType.Incomplete,
                        404 => OperationOutcome.IssueType.NotFound,
                        _ => OperationOutcome.IssueType.Invalid,
                    },
                    Details = new CodeableConcept(CodeSystems.Msr, code, null, message),
                    Diagnostics = message,
                },
            ],
        };
        return Results.Text(new FhirJsonSerializer().SerializeToString(outcome), "application/json", System.Text.Encoding.UTF8, status);
    }
}

/// <summary>The feedback stored for one patient's CDS Hooks cards (<c>GET /api/patients/{id}/cds-feedback</c>).</summary>
/// <param name="Items">Oldest first.</param>
public sealed record CdsFeedbackList(IReadOnlyList<CdsFeedbackItem> Items);

/// <summary>One feedback entry: the card, its outcome and, when overridden, the coded reason (free text is never kept).</summary>
public sealed record CdsFeedbackItem(string Service, string Card, string Outcome, DateTimeOffset OutcomeTimestamp,
    IReadOnlyList<string> AcceptedSuggestions, CdsOverrideReason? OverrideReason, DateTimeOffset ReceivedAt);

/// <summary>A coded override reason; <paramref name="Display"/> the words of MsRelapse's own codes (null for others).</summary>
public sealed record CdsOverrideReason(string? System, string Code,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Display = null);

/// <summary>The outbound connection pool of the CDS Hooks service (a singleton, so the handler is disposed with the host).</summary>
internal sealed class OutboundHandler(SocketsHttpHandler handler) : IDisposable
{
    public SocketsHttpHandler Handler { get; } = handler;

    public void Dispose() => Handler.Dispose();
}
