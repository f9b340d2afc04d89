namespace MsRelapse.Server.CdsHooks;

/// <summary>
/// The request half of a CDS Hooks call as one pure function, for the fuzzer (tests/MsRelapse.Fuzzing) and tests:
/// a service id and a request body → the parsed request and the record assembled from its prefetch, or the problem
/// the endpoint answers (the same checks in the same order as <see cref="CdsHookHandler.HookAsync"/>: service, body,
/// hook, draft orders, prefetch). No network and no token: keys not prefetched are asked of a FHIR server that
/// answers nothing, so they come back unavailable.
/// </summary>
public static class CdsRequestParsing
{
    private static readonly PrefetchAssembler Offline = new(new CdsHooksOptions { FhirFetchBudget = TimeSpan.FromMilliseconds(200) }, new NoServer());

    /// <summary>Parses and assembles; never throws on any body.</summary>
    public static CdsParseResult Parse(string serviceId, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        ArgumentNullException.ThrowIfNull(body);
        if (!CdsServices.HookOf.TryGetValue(serviceId, out var hook))
        {
            return CdsParseResult.Problem(404, "unknown-service");
        }

        var parsed = CdsRequest.Parse(body, out var error);
        if (parsed is null)
        {
            return CdsParseResult.Problem(400, "invalid-request", error);
        }

        using var document = parsed.Document;
        if (!string.Equals(parsed.Hook, hook, StringComparison.Ordinal))
        {
            return CdsParseResult.Problem(400, "wrong-hook");
        }

        var drafts = 0;
        if (hook != "patient-view")
        {
            if (CdsHookHandler.ReadDrafts(parsed, hook, out var read) is { } draftError)
            {
                return CdsParseResult.Problem(400, draftError.Code, draftError.Message);
            }

            drafts = read.Count;
        }

        try
        {
            var record = Offline.AssembleAsync(parsed, fhirServerAllowed: true, Offline.NewBudget(), CancellationToken.None).GetAwaiter().GetResult();
            return new CdsParseResult(200, null, null, parsed.PatientId, record.BundleUtf8, record.Unavailable, drafts);
        }
        catch (PrefetchException ex)
        {
            return CdsParseResult.Problem(ex.Status, ex.Code, ex.Message);
        }
    }

    /// <summary>A FHIR server that is not there (answers 503 at once, without a socket).</summary>
    private sealed class NoServer : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable) { RequestMessage = request });
    }
}

/// <summary>What <see cref="CdsRequestParsing.Parse"/> found.</summary>
/// <param name="Status">200 for a parsed request with its record; else the endpoint's status (400, 404, 412).</param>
/// <param name="Code">The problem's stable code (null on 200).</param>
/// <param name="Message">The problem's message (null on 200 and where the endpoint's message is fixed).</param>
/// <param name="PatientId">context.patientId (on 200).</param>
/// <param name="BundleUtf8">The assembled collection Bundle (on 200).</param>
/// <param name="Unavailable">Prefetch keys neither prefetched nor fetched (on 200).</param>
/// <param name="DraftOrders">Draft orders read (order hooks, on 200).</param>
public sealed record CdsParseResult(int Status, string? Code, string? Message, string? PatientId, byte[]? BundleUtf8, IReadOnlyList<string> Unavailable, int DraftOrders)
{
    internal static CdsParseResult Problem(int status, string code, string? message = null) => new(status, code, message, null, null, [], 0);
}
