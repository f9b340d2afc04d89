using System.Globalization;
using Microsoft.AspNetCore.Http;
using MsRelapse.Storage;

namespace MsRelapse.Server.Infrastructure;

/// <summary>Record versions as weak ETags (<c>W/"3"</c>) and the conditional request headers.</summary>
public static class ETags
{
    /// <summary>The ETag of version <paramref name="version"/>.</summary>
    public static string Format(long version) => string.Create(CultureInfo.InvariantCulture, $"W/\"{version}\"");

    /// <summary>A version from an entity tag (<c>W/"3"</c> or <c>"3"</c>), or null when it names none of ours.</summary>
    public static long? Parse(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var t = tag.Trim();
        if (t.StartsWith("W/", StringComparison.Ordinal))
        {
            t = t[2..];
        }

        return t.Length >= 3 && t[0] == '"' && t[^1] == '"'
            && long.TryParse(t.AsSpan(1, t.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 1
            ? v
            : null;
    }

    /// <summary>What If-Match asks of a write.</summary>
    /// <param name="Expected">The version the write requires (null: unconditional).</param>
    /// <param name="Failed">The precondition already fails (no current version matches, or the record is missing).</param>
    /// <param name="NotFound">It failed because there is no record.</param>
    public readonly record struct Condition(long? Expected, bool Failed, bool NotFound);

    /// <summary>
    /// Reads If-Match: absent → unconditional; one tag → that version; <c>*</c> or several tags → the current
    /// version if it matches (the store still checks it atomically); an unparseable tag never matches.
    /// </summary>
    public static async Task<Condition> ExpectedVersionAsync(HttpRequest request, Func<Task<StoredPatient?>> current)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(current);
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return new(null, false, false);
        }

        var tags = header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (tags.Length == 1 && tags[0] != "*")
        {
            return Parse(tags[0]) is { } v ? new(v, false, false) : new(null, true, false);
        }

        var stored = await current().ConfigureAwait(false);
        if (stored is null)
        {
            return new(null, true, true);
        }

        var matches = tags.Contains("*") || tags.Select(Parse).Contains(stored.Version);
        return matches ? new(stored.Version, false, false) : new(null, true, false);
    }

    /// <summary>True when If-None-Match names the current version (or <c>*</c>): a GET may answer 304.</summary>
    public static bool IfNoneMatchHits(HttpRequest request, long version)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.IfNoneMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return false;
        }

        var tags = header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return tags.Contains("*") || tags.Select(Parse).Contains(version);
    }
}
