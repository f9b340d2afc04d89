using System.Text;
using System.Text.Json;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// One pass over a JSON request body before any reader sees it, refusing what JSON readers disagree on:
/// a key twice in one object (System.Text.Json keeps the first <c>"value"</c>, JavaScript and Python the last — a
/// parser differential on a number that drives doses) and a string holding half a surrogate pair (<c>\ud800</c>),
/// which no UTF-8 store can keep. Named infrastructure: it runs on every body, so it compares raw UTF-8 names
/// without allocating for the usual small FHIR objects.
/// </summary>
public static class JsonGuard
{
    /// <summary>Above this many keys in one object, names go into a hash set (no quadratic scan for hostile input).</summary>
    private const int LinearScanLimit = 24;

    /// <summary>What the guard found wrong, or null when the body passes (or is not JSON: the reader reports that).</summary>
    /// <param name="Code"><c>duplicate-key</c> or <c>invalid-string</c>.</param>
    /// <param name="Message">Which key, in words.</param>
    /// <param name="Path">The JSON path of the object (or string) at fault.</param>
    public sealed record Finding(string Code, string Message, string Path);

    /// <summary>Scans <paramref name="utf8"/>; the first finding, or null.</summary>
    public static Finding? Check(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 256, CommentHandling = JsonCommentHandling.Disallow });
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        frames.Add(new Frame(isObject: true));
                        break;
                    case JsonTokenType.StartArray:
                        frames.Add(new Frame(isObject: false));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan.ToArray();
                        if (!frames[^1].Add(name))
                        {
                            var key = Encoding.UTF8.GetString(name);
                            return new(ProblemCodes.DuplicateKey,
                                $"The key \"{QueryParameters.Shorten(key)}\" appears twice in one JSON object; each key may appear once.",
                                PathOf(frames, key));
                        }

                        frames[^1].Last = name;
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
                PathOf(frames, null));
        }
        catch (JsonException)
        {
            return null; // not JSON at all: the FHIR reader says so in its own words
        }

        return null;
    }

    private static string PathOf(List<Frame> frames, string? key)
    {
        var path = new StringBuilder("$");
        for (var i = 0; i < frames.Count - 1; i++)
        {
            if (frames[i].IsObject && frames[i].Last is { } name)
            {
                path.Append('.').Append(QueryParameters.Shorten(Encoding.UTF8.GetString(name)));
            }
            else if (!frames[i].IsObject)
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

    private sealed class Frame(bool isObject)
    {
        private List<byte[]>? names;
        private HashSet<string>? large;

        public bool IsObject { get; } = isObject;

        public byte[]? Last { get; set; }

        public bool Add(byte[] name)
        {
            if (large is not null)
            {
                return large.Add(Convert.ToBase64String(name));
            }

            names ??= [];
            foreach (var seen in names)
            {
                if (seen.AsSpan().SequenceEqual(name))
                {
                    return false;
                }
            }

            names.Add(name);
            if (names.Count > LinearScanLimit)
            {
                large = new HashSet<string>(names.Select(n => Convert.ToBase64String(n)), StringComparer.Ordinal);
                names = null;
            }

            return true;
        }
    }
}
