using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;

namespace MsRelapse.Server;

/// <summary>
/// What a host embedding the service (the tests, the browser suite) may change that a deployment may not: the clock,
/// the token validation, the builder. Kept out of <see cref="ServerOptions"/>, which holds only what
/// <c>msrelapse serve</c> and configuration set.
/// </summary>
public sealed class ServerHooks
{
    /// <summary>The clock for "today" (asOf default). Tests inject a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Extra JwtBearer configuration (tests set the signing key directly here, with no network). Setting it turns
    /// authentication on even without an authority.
    /// </summary>
    public Action<JwtBearerOptions>? ConfigureJwtBearer { get; init; }

    /// <summary>Last word on the builder before it is built (tests: a test server, captured logs).</summary>
    public Action<WebApplicationBuilder>? ConfigureBuilder { get; init; }
}
