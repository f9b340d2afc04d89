using System.Text;
using System.Text.Json;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// One pass over a JSON request body before any reader sees it, refusing what JSON readers disagree on:
/// a key twice in one object (System.Text.Json keeps the first <c>"value"</c>, JavaScript and Python the last — a
/// parser differential on a number that drives doses) and a string holding half a surrogate pair (<c>\ud800</c>),
/// which no UTF-8 store can keep.
/// </summary>
/// <remarks>
/// Named infrastructure: it runs on every body (a CDS Hooks prefetch is tens of kilobytes of small FHIR objects), so
/// it allocates nothing per object or per key. A key is remembered as its place in the body; the keys of every open
/// object sit in one list, each object owning the tail that starts where it opened, dropped when it closes. Only an
/// escaped key (<c>"\u0076alue"</c> is <c>"value"</c>) is unescaped into an array of its own.
/// </remarks>
public static class JsonGuard
{
    /// <summary>Above this many keys in one object, its names go into a hash set (no quadratic scan for hostile input).</summary>
    private const int LinearScanLimit = 24;

    /// <summary>What the guard found wrong, or null when the body passes (or is not JSON: the reader reports that).</summary>
    /// <param name="Code"><c>duplicate-key</c> or <c>invalid-string</c>.</param>
    /// <param name="Message">Which key, in words.</param>
    /// <param name="Path">The JSON path of the object (or string) at fault.</param>
    public sealed record Finding(string Code, string Message, string Path);

    /// <summary>
    /// Parses a body the caller needs as a document, with the guard's checks: the document, or null with the guard's
    /// <paramref name="finding"/> (null as well when the body is not JSON, or deeper than
    /// <paramref name="options"/> allow).
    /// </summary>
    /// <remarks>
    /// One pass where the guard's own adds nothing: in a body without a backslash no key can be written two ways and no
    /// string can hold an escape, so the only thing the guard could find is a key twice byte for byte — which the parser
    /// refuses itself when told to (<see cref="JsonDocumentOptions.AllowDuplicateProperties"/>); the guard then runs
    /// only to name the key and its path. A body with a backslash is scanned by the guard first, as before.
    /// </remarks>
    public static JsonDocument? Parse(ReadOnlyMemory<byte> utf8, JsonDocumentOptions options, out Finding? finding)
    {
        options.AllowDuplicateProperties = false;
        if (utf8.Span.IndexOf((byte)'\\') >= 0 && Check(utf8.Span) is { } escaped)
        {
            finding = escaped;
            return null;
        }

        try
        {
            finding = null;
            return JsonDocument.Parse(utf8, options);
        }
        catch (JsonException)
        {
            finding = Check(utf8.Span);
            return null;
        }
    }

    /// <summary>Scans <paramref name="utf8"/>; the first finding, or null.</summary>
    public static Finding? Check(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 256, CommentHandling = JsonCommentHandling.Disallow });
        var scopes = new List<Scope>();
        var keys = new List<Key>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        scopes.Add(new Scope(IsObject: true, FirstKey: keys.Count));
                        break;
                    case JsonTokenType.StartArray:
                        scopes.Add(new Scope(IsObject: false, FirstKey: keys.Count));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        keys.RemoveRange(scopes[^1].FirstKey, keys.Count - scopes[^1].FirstKey);
                        scopes.RemoveAt(scopes.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        var key = reader.ValueIsEscaped
                            ? new Key(0, 0, Encoding.UTF8.GetBytes(reader.GetString()!))
                            : new Key((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, null);
                        if (!Remember(utf8, scopes, keys, key))
                        {
                            var name = Encoding.UTF8.GetString(key.Name(utf8));
                            return new(ProblemCodes.DuplicateKey,
                                $"The key \"{QueryParameters.Shorten(name)}\" appears twice in one JSON object; each key may appear once.",
                                PathOf(utf8, scopes, keys, name));
                        }

                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        // GetString refuses an escaped lone surrogate (it cannot be UTF-16 text, nor stored as UTF-8).
                        _ = reader.GetString();
                        break;
                }
            }
        }
        catch (InvalidOperationException)
        {
            return new("invalid-string", "A JSON string holds an unpaired surrogate escape (such as \\ud800): it is not text.",
                PathOf(utf8, scopes, keys, null));
        }
        catch (JsonException)
        {
            return null; // not JSON at all: the FHIR reader says so in its own words
        }

        return null;
    }

    /// <summary>Adds <paramref name="key"/> to the innermost object's keys; false when the object already has it.</summary>
    private static bool Remember(ReadOnlySpan<byte> utf8, List<Scope> scopes, List<Key> keys, Key key)
    {
        var scope = scopes[^1];
        var name = key.Name(utf8);
        if (scope.Large is { } large)
        {
            if (!large.Add(Convert.ToBase64String(name)))
            {
                return false;
            }
        }
        else
        {
            for (var i = scope.FirstKey; i < keys.Count; i++)
            {
                if (keys[i].Name(utf8).SequenceEqual(name))
                {
                    return false;
                }
            }

            if (keys.Count - scope.FirstKey >= LinearScanLimit)
            {
                var set = new HashSet<string>(StringComparer.Ordinal);
                for (var i = scope.FirstKey; i < keys.Count; i++)
                {
                    set.Add(Convert.ToBase64String(keys[i].Name(utf8)));
                }

                set.Add(Convert.ToBase64String(name));
                scopes[^1] = scope with { Large = set };
            }
        }

        // The newest key of an object is the last one in the list: it names the path to anything nested in it.
        keys.Add(key);
        return true;
    }

    private static string PathOf(ReadOnlySpan<byte> utf8, List<Scope> scopes, List<Key> keys, string? key)
    {
        var path = new StringBuilder("$");
        for (var i = 0; i < scopes.Count - 1; i++)
        {
            var end = scopes[i + 1].FirstKey; // the keys of scope i end where the next one opened
            if (scopes[i].IsObject && end > scopes[i].FirstKey)
            {
                path.Append('.').Append(QueryParameters.Shorten(Encoding.UTF8.GetString(keys[end - 1].Name(utf8))));
            }
            else if (!scopes[i].IsObject)
            {
                path.Append("[]");
            }
        }

        if (key is not null)
        {
            path.Append('.').Append(QueryParameters.Shorten(key));
        }

        return path.ToString();
    }

    /// <summary>An open object or array: where its keys start in the shared list, and a set once it has many.</summary>
    private readonly record struct Scope(bool IsObject, int FirstKey, HashSet<string>? Large = null);

    /// <summary>A key: its bytes in the body (<paramref name="Start"/>, <paramref name="Length"/>) or, escaped, unescaped.</summary>
    private readonly record struct Key(int Start, int Length, byte[]? Unescaped)
    {
        public ReadOnlySpan<byte> Name(ReadOnlySpan<byte> utf8) => Unescaped is null ? utf8.Slice(Start, Length) : Unescaped;
    }
}
