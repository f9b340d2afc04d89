namespace MsRelapse.Server.CdsHooks;

/// <summary>
/// The CDS Hooks configuration (section <c>CdsHooks</c>; environment <c>CdsHooks__…</c>), as fixed by
/// <c>shared/contract/cds-hooks.md</c> "Security".
/// </summary>
public sealed class CdsHooksOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "CdsHooks";

    /// <summary>
    /// Require a signed JWT on every call. Null: <c>true</c> unless the service listens on loopback only (the demo,
    /// where the public CDS Hooks sandbox on the same machine may call without keys).
    /// </summary>
    public bool? RequireAuthentication { get; set; }

    /// <summary>The trusted clients (EHRs): one issuer each, with its keys.</summary>
    public List<CdsClientOptions> Clients { get; } = [];

    /// <summary>Browser origins whose CORS preflight is answered (e.g. the CDS Hooks sandbox).</summary>
    public List<string> AllowedOrigins { get; } = [];

    /// <summary>
    /// The service's public base URL (e.g. <c>https://cds.example.org</c>) when a proxy sits in front: a token's
    /// <c>aud</c> is compared with this base + the path. Null: the URL the request arrived on.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>SMART launch URL of the clinician page; when set, card links are of type <c>smart</c>.</summary>
    public string? SmartLaunchUrl { get; set; }

    /// <summary>Total time budget for fetching absent prefetch from the EHR's FHIR server (the contract: 2 s).</summary>
    public TimeSpan FhirFetchBudget { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// FHIR server base URLs (a request's <c>fhirServer</c>) that any client's absent prefetch may be fetched from
    /// (<c>CdsHooks__FhirServers__N</c>). Each client may add its own (<see cref="CdsClientOptions.FhirServers"/>).
    /// Any other <c>fhirServer</c> is never called (nor given the access token): its data count as unavailable (412
    /// for the Patient or the Conditions, else a degraded card). Empty: nothing is fetched.
    /// </summary>
    public List<string> FhirServers { get; } = [];

    /// <summary>
    /// Allow key URLs (<c>JwksUrl</c>, <c>jku</c>) and FHIR servers that resolve to loopback, link-local, private,
    /// unique-local or otherwise non-public addresses (<c>CdsHooks__AllowPrivateNetworkAddresses</c>). Off by default
    /// (no server-side request forgery into the service's own network); on for a FHIR server inside the hospital's
    /// network, and in the tests' loopback stubs.
    /// </summary>
    public bool AllowPrivateNetworkAddresses { get; set; }

    /// <summary>Longest accepted token, in characters (longer: refused before parsing).</summary>
    public int MaxTokenLength { get; set; } = 8192;

    /// <summary>Allowed clock difference with the client when checking <c>exp</c>, <c>nbf</c> and <c>iat</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long keys fetched from a URL are kept before they are fetched again.</summary>
    public TimeSpan JwksCacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The shortest time between two fetches of one client's keys for an unknown <c>kid</c>.</summary>
    public TimeSpan JwksRefreshMinInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>One trusted CDS client: its issuer and where its public keys are.</summary>
public sealed class CdsClientOptions
{
    /// <summary>The client's <c>iss</c> (exact match).</summary>
    public string Issuer { get; set; } = "";

    /// <summary>Its JWK Set, inline (JSON).</summary>
    public string? Jwks { get; set; }

    /// <summary>A file holding its JWK Set (re-read on an unknown <c>kid</c>).</summary>
    public string? JwksFile { get; set; }

    /// <summary>The URL of its JWK Set; also the first entry of the <c>jku</c> allow-list.</summary>
    public string? JwksUrl { get; set; }

    /// <summary>Further URLs this client may name in a token's <c>jku</c> header.</summary>
    public List<string> JkuAllowList { get; } = [];

    /// <summary>FHIR server base URLs this client's calls may name as <c>fhirServer</c> (<c>CdsHooks__Clients__N__FhirServers__M</c>).</summary>
    public List<string> FhirServers { get; } = [];
}
