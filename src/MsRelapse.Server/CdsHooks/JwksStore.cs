using System.Collections.Concurrent;
using Microsoft.IdentityModel.Tokens;

namespace MsRelapse.Server.CdsHooks;

/// <summary>
/// Each trusted client's public keys: from its inline JWK Set, a file or an allow-listed URL; cached, and read
/// again (at most once per <see cref="CdsHooksOptions.JwksRefreshMinInterval"/>) when a token names an unknown
/// <c>kid</c> — the client rotated its keys. Only keys fit for the contract's algorithms are kept: EC P-384 for
/// ES384, RSA of at least 2048 bits for RS384.
/// </summary>
internal sealed class JwksStore(CdsHooksOptions options, HttpMessageHandler handler, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly HttpClient _http = new(handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>The key with <paramref name="kid"/> for <paramref name="alg"/> from the client's source (or the allow-listed <paramref name="jku"/>), or null.</summary>
    public async Task<JsonWebKey?> FindAsync(CdsClientOptions client, string kid, string alg, string? jku, CancellationToken ct)
    {
        var source = jku ?? client.JwksUrl ?? client.JwksFile ?? "inline";
        var cacheKey = client.Issuer + "\n" + source;
        var entry = _entries.GetOrAdd(cacheKey, _ => new Entry());
        var now = time.GetUtcNow();
        var keys = entry.Keys;
        var stale = keys is null || (source != "inline" && now - entry.LoadedAt > options.JwksCacheDuration);
        var key = keys is null ? null : Pick(keys, kid, alg);
        if (stale || (key is null && now - entry.LoadedAt >= options.JwksRefreshMinInterval))
        {
            await entry.Gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                // Another caller may have loaded it meanwhile.
                if (entry.Keys is null || entry.Keys == keys)
                {
                    entry.Keys = await LoadAsync(client, jku, ct).ConfigureAwait(false) ?? entry.Keys ?? [];
                    entry.LoadedAt = now;
                }
            }
            finally
            {
                entry.Gate.Release();
            }

            key = Pick(entry.Keys!, kid, alg);
        }

        return key;
    }

    private static JsonWebKey? Pick(IReadOnlyList<JsonWebKey> keys, string kid, string alg) =>
        keys.FirstOrDefault(k => string.Equals(k.Kid, kid, StringComparison.Ordinal) && Fits(k, alg));

    private static bool Fits(JsonWebKey key, string alg)
    {
        if (!string.IsNullOrEmpty(key.Alg) && !string.Equals(key.Alg, alg, StringComparison.Ordinal))
        {
            return false;
        }

        if (!string.IsNullOrEmpty(key.Use) && key.Use != "sig")
        {
            return false;
        }

        return alg switch
        {
            SecurityAlgorithms.EcdsaSha384 => key.Kty == JsonWebAlgorithmsKeyTypes.EllipticCurve && key.Crv == JsonWebKeyECTypes.P384 && !key.HasPrivateKey,
            SecurityAlgorithms.RsaSha384 => key.Kty == JsonWebAlgorithmsKeyTypes.RSA && !string.IsNullOrEmpty(key.N) && Base64UrlEncoder.DecodeBytes(key.N).Length * 8 >= 2048,
            _ => false,
        };
    }

    private async Task<IReadOnlyList<JsonWebKey>?> LoadAsync(CdsClientOptions client, string? jku, CancellationToken ct)
    {
        try
        {
            string? json;
            if (jku is not null || client.JwksUrl is not null)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                json = await _http.GetStringAsync(new Uri(jku ?? client.JwksUrl!), timeout.Token).ConfigureAwait(false);
            }
            else if (client.JwksFile is not null)
            {
                json = await File.ReadAllTextAsync(client.JwksFile, ct).ConfigureAwait(false);
            }
            else
            {
                json = client.Jwks;
            }

            return json is null ? [] : [.. new JsonWebKeySet(json).Keys];
        }
#pragma warning disable CA1031 // An unreadable key source means "no key": the token is refused (401), never a 500.
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public IReadOnlyList<JsonWebKey>? Keys { get; set; }

        public DateTimeOffset LoadedAt { get; set; }
    }
}
