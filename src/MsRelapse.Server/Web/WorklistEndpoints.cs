using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using MsRelapse.Server.Infrastructure;
using MsRelapse.Storage;

namespace MsRelapse.Server.Web;

/// <summary>
/// GET /api/worklist: the clinician page's patient list as a worklist. Each stored record is evaluated as of a date
/// (default today) and summarised — episode status, next action, urgency, flag counts — most urgent first. Nothing is
/// stored: it is a view, like <c>POST /api/evaluate</c>. Bounded to <see cref="MaxPatients"/> records (a ward's list,
/// not a population screen; <c>msrelapse screen</c> is for that).
/// One call holds one slot of the evaluation limiter (<see cref="EvaluationLimiter"/>) for its whole run and evaluates
/// its records one after another: at most one record's bundle and model per call are alive at once, and the calls in
/// flight count against the same bound as <c>POST /api/evaluate</c>. It does not wait behind the long queue of the
/// per-record routes: with <see cref="ServerOptions.WorklistQueueLength"/> requests already waiting it is refused at
/// once (503 <c>too-busy</c> with Retry-After) rather than answered minutes later to a client that has gone.
/// </summary>
public static class WorklistEndpoints
{
    /// <summary>The most records one worklist evaluates.</summary>
    public const int MaxPatients = 500;

    /// <summary>Maps <c>GET /api/worklist</c> (readers).</summary>
    public static void MapWorklist(this WebApplication app, bool authEnabled)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/worklist", ListAsync).WithName("Worklist").WithTags("Patients")
            .WithSummary("Every stored patient evaluated as of ?asOf= (default today), most urgent first; ?q= filters by name or id. Nothing is stored.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .LimitWorklistEvaluations()
            .Require(authEnabled, Security.RegistryReaderPolicy);
    }

    private static async Task<Results<Ok<WorklistPage>, ProblemHttpResult>> ListAsync(
        HttpContext context, IPatientStore store, Evaluator evaluator, TimeProvider clock, CancellationToken ct)
    {
        var query = context.Request.Query;
        // The same date parameter as POST /api/evaluate: YYYY-MM-DD within the engine's range, else 400 naming asOf.
        if (!QueryParameters.AsOf(context.Request, clock).TryGet(out var asOf, out var problem))
        {
            return problem;
        }

        string? q = query["q"];
        if (q is { Length: > PatientQuery.MaxSearchLength })
        {
            return Problems.InvalidParameter("q", $"q is longer than {PatientQuery.MaxSearchLength} characters");
        }

        var items = new List<WorklistItem>();
        var total = 0;
        for (var page = 1; items.Count < MaxPatients; page++)
        {
            var result = await store.ListAsync(new PatientQuery(page, PatientQuery.MaxPageSize, string.IsNullOrWhiteSpace(q) ? null : q.Trim()), ct).ConfigureAwait(false);
            total = result.TotalCount;
            foreach (var summary in result.Items)
            {
                if (items.Count >= MaxPatients)
                {
                    break;
                }

                ct.ThrowIfCancellationRequested();
                var stored = await store.GetAsync(summary.PatientId, ct).ConfigureAwait(false);
                if (stored is not null)
                {
                    items.Add(Summarise(evaluator, stored, summary.SearchText, asOf));
                }
            }

            if (result.Items.Count < result.PageSize)
            {
                break;
            }
        }

        await store.RecordAuditAsync(AuditActions.PatientList, null, AuditOutcomes.Success, Security.AuditUser(context), ct).ConfigureAwait(false);
        var sorted = items.OrderByDescending(i => i.UrgencyRank).ThenByDescending(i => i.Critical).ThenByDescending(i => i.Warnings)
            .ThenBy(i => i.Name, StringComparer.OrdinalIgnoreCase).ToList();
        // Written with the service's JSON options (as every other response: "García", not "Garc\u00EDa").
        return TypedResults.Ok(new WorklistPage(asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), total, total > items.Count, sorted));
    }

    /// <summary>One record's line: the engine's answer in a few words, or the reason it has none.</summary>
    private static WorklistItem Summarise(Evaluator evaluator, StoredPatient stored, string name, DateOnly asOf)
    {
        var outcome = evaluator.Evaluate(stored.BundleJson, asOf);
        if (outcome.RecommendationJson is not { } json)
        {
            return new WorklistItem(stored.PatientId, name, stored.Version, stored.UpdatedAt, null, null, null, null, -1, 0, 0, null, null,
                outcome.Errors.Count > 0 ? "The record has errors: open it to see them." : "Not evaluated.");
        }

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var episode = root.GetProperty("episode");
        var rec = root.GetProperty("recommendation");
        var critical = 0;
        var warnings = 0;
        foreach (var flag in root.GetProperty("flags").EnumerateArray())
        {
            switch (flag.GetProperty("severity").GetString())
            {
                case "critical": critical++; break;
                case "warning": warnings++; break;
            }
        }

        var urgency = rec.GetProperty("urgency").GetString();
        return new WorklistItem(stored.PatientId, name, stored.Version, stored.UpdatedAt,
            episode.GetProperty("status").GetString(), episode.TryGetProperty("severity", out var s) ? s.GetString() : null,
            rec.GetProperty("primary").GetString(), urgency, UrgencyRank(urgency), critical, warnings,
            rec.TryGetProperty("reassessOn", out var r) ? r.GetString() : null,
            episode.TryGetProperty("onset", out var o) ? o.GetString() : null, null);
    }

    private static int UrgencyRank(string? urgency) => urgency switch
    {
        "emergency" => 3,
        "urgent" => 2,
        "soon" => 1,
        _ => 0,
    };
}

/// <summary>The worklist: every stored patient (up to 500) evaluated as of one date, most urgent first.</summary>
/// <param name="AsOf">The evaluation date (YYYY-MM-DD).</param>
/// <param name="Total">Patients matching the search.</param>
/// <param name="Truncated">True when more patients match than were evaluated (the list stops at 500).</param>
/// <param name="Items">One line per patient: most urgent first, then most critical flags, most warnings, name.</param>
public sealed record WorklistPage(string AsOf, int Total, bool Truncated, IReadOnlyList<WorklistItem> Items);

/// <summary>One worklist line: the engine's answer for one record in a few words, or the reason it has none.</summary>
/// <param name="Id">The patient id.</param>
/// <param name="Name">Family and given names, as searched.</param>
/// <param name="Version">The record's version.</param>
/// <param name="UpdatedAt">When the record was last written.</param>
/// <param name="Status">The episode status code (null when the record could not be evaluated).</param>
/// <param name="Severity">The episode's severity code, when graded.</param>
/// <param name="Primary">The recommendation's primary action code.</param>
/// <param name="Urgency">The recommendation's urgency code.</param>
/// <param name="UrgencyRank">3 emergency, 2 urgent, 1 soon, 0 other, -1 not evaluated (the sort key).</param>
/// <param name="Critical">Critical flags.</param>
/// <param name="Warnings">Warning flags.</param>
/// <param name="ReassessOn">When to reassess (YYYY-MM-DD), when the recommendation says.</param>
/// <param name="Onset">The episode's onset (YYYY-MM-DD), when known.</param>
/// <param name="Problem">Why the record has no answer (it has errors, or was not evaluated); null when evaluated.</param>
public sealed record WorklistItem(
    string Id, string Name, long Version, DateTimeOffset UpdatedAt, string? Status, string? Severity, string? Primary, string? Urgency,
    int UrgencyRank, int Critical, int Warnings, string? ReassessOn, string? Onset, string? Problem);
