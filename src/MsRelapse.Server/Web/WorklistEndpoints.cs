using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using MsRelapse.Server.Infrastructure;
using MsRelapse.Storage;

namespace MsRelapse.Server.Web;

/// <summary>
/// GET /api/worklist: the clinician page's patient list as a worklist. Each stored record is evaluated as of a date
/// (default today) and summarised — episode status, next action, urgency, flag counts — most urgent first. Nothing is
/// stored: it is a view, like <c>POST /api/evaluate</c>. Bounded to <see cref="MaxPatients"/> records (a ward's list,
/// not a population screen; <c>msrelapse screen</c> is for that).
/// </summary>
public static class WorklistEndpoints
{
    /// <summary>The most records one worklist evaluates.</summary>
    public const int MaxPatients = 500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Maps <c>GET /api/worklist</c> (readers).</summary>
    public static void MapWorklist(this WebApplication app, bool authEnabled)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/worklist", ListAsync).WithName("Worklist").WithTags("Patients")
            .WithSummary("Every stored patient evaluated as of ?asOf= (default today), most urgent first; ?q= filters by name or id. Nothing is stored.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .Require(authEnabled, Security.ReaderPolicy);
    }

    private static async Task<IResult> ListAsync(HttpContext context, IPatientStore store, Evaluator evaluator, TimeProvider clock, CancellationToken ct)
    {
        var query = context.Request.Query;
        var asOf = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        if (query["asOf"].ToString() is { Length: > 0 } text
            && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out asOf))
        {
            return Problems.InvalidParameter("asOf", "asOf is not a date (expected YYYY-MM-DD)");
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
        return Results.Json(new
        {
            asOf = asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            total,
            truncated = total > items.Count,
            items = sorted,
        }, Json);
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

    /// <summary>One worklist line (JSON member names are the camel-case of these).</summary>
    private sealed record WorklistItem(
        string Id, string Name, long Version, DateTimeOffset UpdatedAt, string? Status, string? Severity, string? Primary, string? Urgency,
        int UrgencyRank, int Critical, int Warnings, string? ReassessOn, string? Onset, string? Problem);
}
