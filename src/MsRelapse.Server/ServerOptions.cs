namespace MsRelapse.Server;

/// <summary>How to run the service: what <c>msrelapse serve</c> passes, and what tests set.</summary>
public sealed class ServerOptions
{
    /// <summary>Default listening address: loopback only, which is the no-authentication local demo mode.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>Default database: a SQLite file under <c>./data</c> (relative to the working directory).</summary>
    public const string DefaultDatabase = "Data Source=data/msrelapse.db";

    /// <summary>Default request body limit: 5 MB.</summary>
    public const long DefaultMaxBodyBytes = 5L * 1024 * 1024;

    /// <summary>Addresses to listen on, separated by ';' (ASP.NET Core <c>urls</c> syntax).</summary>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>
    /// Database: a SQLite connection string (<c>Data Source=…</c>) or a bare file path ending in <c>.db</c>, or a
    /// PostgreSQL connection string (<c>Host=…;Database=…</c> or a <c>postgres://</c> URL). Null: <see cref="DefaultDatabase"/>.
    /// </summary>
    public string? Database { get; set; }

    /// <summary>Load the demo patients into an empty database at start.</summary>
    public bool SeedDemoPatients { get; set; } = true;

    /// <summary>Largest accepted request body in bytes; larger bodies get 413 <c>payload-too-large</c>.</summary>
    public long MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>OpenID Connect issuer (<c>Auth:Authority</c>); required when listening on a non-loopback address.</summary>
    public string? AuthAuthority { get; set; }

    /// <summary>Expected token audience (<c>Auth:Audience</c>); required with <see cref="AuthAuthority"/>.</summary>
    public string? AuthAudience { get; set; }

    /// <summary>Expose the Prometheus scrape endpoint at <c>/metrics</c>.</summary>
    public bool PrometheusEndpoint { get; set; } = true;

    /// <summary>Record traces even without an OTLP endpoint (tests listen to them).</summary>
    public bool Tracing { get; set; }

    /// <summary>Evaluations (stateless or stored) running at once; more wait in a short queue (default: the processor count, at least 2).</summary>
    public int MaxConcurrentEvaluations { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// Evaluations waiting for a slot; past this, 503 <c>too-busy</c> with Retry-After. A waiting request has not had
    /// its body read (Kestrel holds at most its 1 MB request buffer per connection), so the queue can be long: it bounds
    /// the memory of work in flight, not the number of connections a normal load keeps open.
    /// </summary>
    public int EvaluationQueueLength { get; set; } = 256;

    /// <summary>Default for <see cref="WorklistQueueLength"/>.</summary>
    public const int DefaultWorklistQueueLength = 4;

    /// <summary>
    /// How many requests may wait ahead of a <c>GET /api/worklist</c> call for an evaluation slot; with that many or more
    /// waiting it gets 503 <c>too-busy</c> with Retry-After at once (0: it runs only when a slot is free). The worklist
    /// shares the slots of <see cref="MaxConcurrentEvaluations"/> but not the long queue of
    /// <see cref="EvaluationQueueLength"/>: a call evaluates up to 500 records, and at the back of 256 it waited 259 s,
    /// past any client's patience. A few waiting calls cover the moments when every slot is briefly busy.
    /// </summary>
    public int WorklistQueueLength { get; set; } = DefaultWorklistQueueLength;

    /// <summary>Default for <see cref="MaxTokenLifetime"/>: 24 hours.</summary>
    public static readonly TimeSpan DefaultMaxTokenLifetime = TimeSpan.FromHours(24);

    /// <summary>
    /// Longest lifetime of a bearer token of the REST API: <c>exp − iat</c> (<c>exp − nbf</c> without <c>iat</c>), and
    /// <c>exp</c> no further than this from now (a token with neither, or one whose <c>iat</c> is in the future); a longer
    /// one gets 401. The default, 24 hours, is above what identity providers issue by default for access tokens (Entra
    /// ID 60–90 minutes, Keycloak 5 minutes, Auth0 24 hours) and far below a token that never expires in practice
    /// (<c>exp</c> in the year 3000): a leaked token stops working within a day. The CDS Hooks tokens have their own
    /// 5-minute rule (<c>CdsTokenValidator</c>).
    /// </summary>
    public TimeSpan MaxTokenLifetime { get; set; } = DefaultMaxTokenLifetime;

    /// <summary>A copy, so that the caller's object is never changed by configuration fallbacks.</summary>
    internal ServerOptions Copy() => (ServerOptions)MemberwiseClone();

    /// <summary>Copies every setting onto <paramref name="target"/> (the options pattern's instance).</summary>
    internal void CopyTo(ServerOptions target)
    {
        target.Urls = Urls;
        target.Database = Database;
        target.SeedDemoPatients = SeedDemoPatients;
        target.MaxBodyBytes = MaxBodyBytes;
        target.AuthAuthority = AuthAuthority;
        target.AuthAudience = AuthAudience;
        target.PrometheusEndpoint = PrometheusEndpoint;
        target.Tracing = Tracing;
        target.MaxConcurrentEvaluations = MaxConcurrentEvaluations;
        target.EvaluationQueueLength = EvaluationQueueLength;
        target.WorklistQueueLength = WorklistQueueLength;
        target.MaxTokenLifetime = MaxTokenLifetime;
    }

    /// <summary>The settings that make no sense, in words; empty when none.</summary>
    internal IEnumerable<string> Problems()
    {
        if (MaxBodyBytes < 1)
        {
            yield return "the request body limit must be at least 1 byte (--max-body-mb)";
        }

        if (MaxConcurrentEvaluations < 1 || EvaluationQueueLength < 0)
        {
            yield return "the evaluation limit must be at least 1 and its queue at least 0";
        }

        if (WorklistQueueLength < 0)
        {
            yield return "the worklist's queue must be at least 0";
        }

        if (MaxTokenLifetime <= TimeSpan.Zero)
        {
            yield return "the longest token lifetime must be more than 0";
        }
    }
}

/// <summary>The service cannot start as configured (e.g. a public address without authentication).</summary>
public sealed class ServerConfigurationException(string message) : Exception(message);
