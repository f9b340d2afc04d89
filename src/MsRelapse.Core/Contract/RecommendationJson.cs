using System.Collections.Immutable;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Contract;

/// <summary>
/// Writes a <see cref="Recommendation"/> as recommendation.schema.json: camelCase, dates "yyyy-MM-dd", null where
/// the schema allows it, members and arrays in a fixed order, numbers invariant. Same recommendation → same bytes.
/// </summary>
public static class RecommendationJson
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Compact = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The recommendation as JSON text.</summary>
    public static string Serialize(Recommendation r, bool indented = true) =>
        Write(r, indented, static utf8 => System.Text.Encoding.UTF8.GetString(utf8));

    /// <summary>
    /// The recommendation as indented UTF-8 JSON followed by one <c>'\n'</c>: the bytes of <see cref="Serialize"/>
    /// plus the newline the CLI's <c>--json</c> prints, without building the text (for an HTTP response body).
    /// </summary>
    public static byte[] SerializeUtf8Line(Recommendation r)
    {
        return Write(r, indented: true, static written =>
        {
            var bytes = new byte[written.Length + 1];
            written.CopyTo(bytes);
            bytes[^1] = (byte)'\n';
            return bytes;
        });
    }

    /// <summary>
    /// Hands the bytes of <see cref="SerializeUtf8Line"/> (without its final newline) to <paramref name="use"/> without
    /// copying them out: for a caller that only reads them once (a hash). The span is valid only during the call.
    /// </summary>
    public static TResult WithUtf8<TResult>(Recommendation r, Func<ReadOnlySpan<byte>, TResult> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        return Write(r, indented: true, use);
    }

    /// <summary>
    /// Writes the contract document straight to a <see cref="Utf8JsonWriter"/>, without building the ≈ 300 nodes of a
    /// JSON tree on the service's hot path, into a buffer reused on the thread (<see cref="ReusableUtf8Buffer"/>; figures:
    /// benchmarks/README.md), and hands the bytes to <paramref name="use"/>.
    /// </summary>
    private static TResult Write<TResult>(Recommendation r, bool indented, Func<ReadOnlySpan<byte>, TResult> use)
    {
        ArgumentNullException.ThrowIfNull(r);
        return ReusableUtf8Buffer.Write(indented ? Indented : Compact, r, DirectWriter.Document, use);
    }

    /// <summary>
    /// The recommendation as a JSON object (schema member order), for callers that read or edit the document. It is
    /// the parse of what <see cref="Serialize"/> writes, so there is one writer of the contract, not two to keep in step.
    /// </summary>
    public static JsonObject ToJson(Recommendation r) => Write(r, indented: false, static utf8 => (JsonObject)JsonNode.Parse(utf8)!);

    /// <summary>R0 errors as JSON for the CLI and HTTP error output: <c>{"errors":[{"code","message","source":{"resource","path"}}]}</c>.</summary>
    public static JsonObject ErrorsToJson(IReadOnlyList<InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return new JsonObject
        {
            ["errors"] = Array(errors.Select(x => (JsonNode?)new JsonObject
            {
                ["code"] = x.Code,
                ["message"] = x.Message,
                ["source"] = x.Source is { } src ? new JsonObject { ["resource"] = src.Resource, ["path"] = src.Path } : null,
            })),
        };
    }

    private static JsonArray Array(IEnumerable<JsonNode?> items)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            array.Add(item);
        }

        return array;
    }
}

/// <summary>Writes the contract document of a recommendation member by member (schema order; nulls and omissions as the schema allows).</summary>
internal static class DirectWriter
{
    public static void Document(Utf8JsonWriter w, Recommendation r)
    {
        w.WriteStartObject();
        w.WriteStartObject("engine");
        w.WriteString("version", r.Engine.Version);
        w.WriteString("knowledgeBase", r.Engine.KnowledgeBase);
        w.WriteEndObject();
        Date(w, "asOf", r.AsOf);

        w.WriteStartObject("patient");
        if (r.Patient.Id is { } id)
        {
            w.WriteString("id", id);
        }

        if (r.Patient.AgeYears is { } age)
        {
            w.WriteNumber("ageYears", age);
        }

        w.WriteString("sex", WireNames.Of(r.Patient.Sex));
        w.WriteEndObject();

        Episode(w, r.Episode);
        Advice(w, r.Advice);

        w.WriteStartObject("plan");
        if (r.Plan.Steroids is { } s)
        {
            Steroids(w, s);
        }
        else
        {
            w.WriteNull("steroids");
        }

        if (r.Plan.PlasmaExchange is { } t)
        {
            PlasmaExchange(w, t);
        }
        else
        {
            w.WriteNull("plasmaExchange");
        }

        if (r.Plan.Immunoadsorption is { } ia)
        {
            Immunoadsorption(w, ia);
        }
        else
        {
            w.WriteNull("immunoadsorption");
        }

        w.WriteEndObject();

        w.WriteStartArray("flags");
        foreach (var f in r.Flags)
        {
            w.WriteStartObject();
            w.WriteString("code", WireNames.Of(f.Code));
            w.WriteString("severity", WireNames.Of(f.Severity));
            String(w, "message", f.Message);
            Strings(w, "evidence", f.Evidence);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("rationale");
        foreach (var x in r.Rationale)
        {
            w.WriteStartObject();
            String(w, "rule", x.Rule);
            String(w, "text", x.Text);
            Strings(w, "evidence", x.Evidence);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("missingData");
        foreach (var m in r.MissingData)
        {
            w.WriteStartObject();
            w.WriteString("item", WireNames.Of(m.Item));
            String(w, "neededFor", m.NeededFor);
            w.WriteBoolean("blocking", m.Blocking);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("evidence");
        foreach (var x in r.Evidence)
        {
            w.WriteStartObject();
            String(w, "id", x.Id);
            String(w, "citation", x.Citation);
            String(w, "grade", x.Grade);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        Strings(w, "firedRules", r.FiredRules);

        w.WriteStartArray("dataUsed");
        foreach (var x in r.DataUsed)
        {
            w.WriteStartObject();
            String(w, "item", x.Item);
            String(w, "value", x.Value);
            if (x.Date is { } dd)
            {
                Date(w, "date", dd);
            }
            else
            {
                w.WriteNull("date");
            }

            String(w, "source", x.Source);
            String(w, "usedBy", x.UsedBy);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (!r.ApheresisResponseFactors.IsEmpty)
        {
            ResponseFactors(w, r.ApheresisResponseFactors);
        }

        // Added member (the schema allows added members): written only when there is something to say.
        if (!r.ReadingNotes.IsDefaultOrEmpty)
        {
            Strings(w, "readingNotes", r.ReadingNotes);
        }

        w.WriteEndObject();
    }

    /// <summary>2026.2 <c>apheresisResponseFactors</c>: written only when present (an apheresis plan, no NMOSD/MOGAD).</summary>
    private static void ResponseFactors(Utf8JsonWriter w, ImmutableArray<ApheresisResponseFactor> factors)
    {
        w.WriteStartArray("apheresisResponseFactors");
        foreach (var f in factors)
        {
            w.WriteStartObject();
            w.WriteString("factor", WireNames.Of(f.Factor));
            if (f.Number is { } number)
            {
                w.WriteNumber("value", number);
            }
            else
            {
                String(w, "value", f.Word);
            }

            if (f.Unit is { } unit)
            {
                w.WriteString("unit", unit);
            }

            w.WriteString("favours", WireNames.Of(f.Favours));
            w.WriteString("effect", f.Effect);
            w.WriteBoolean("contested", f.Contested);
            if (f.Missing is { } missing)
            {
                w.WriteString("missing", missing);
            }

            Strings(w, "evidence", f.Evidence);
            if (f.Source is { } source)
            {
                w.WriteString("source", source.ToString());
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Episode(Utf8JsonWriter w, Episode e)
    {
        w.WriteStartObject("episode");
        w.WriteString("status", WireNames.Of(e.Status));
        if (e.Onset is { } onset)
        {
            Date(w, "onset", onset);
        }

        if (e.DaysSinceOnset is { } days)
        {
            w.WriteNumber("daysSinceOnset", days);
        }

        w.WriteString("severity", WireNames.Of(e.Severity));
        w.WriteStartObject("edss");
        Number(w, "baseline", e.Edss.Baseline);
        Number(w, "nadir", e.Edss.Nadir);
        Number(w, "latest", e.Edss.Latest);
        Number(w, "rise", e.Edss.Rise);
        Number(w, "atSteroidEnd", e.Edss.AtSteroidEnd);
        Number(w, "atApheresisEnd", e.Edss.AtApheresisEnd);
        w.WriteEndObject();
        w.WriteString("treatmentStage", WireNames.Of(e.TreatmentStage));
        w.WriteString("steroidResponse", WireNames.Of(e.SteroidResponse));
        w.WriteString("apheresisResponse", WireNames.Of(e.ApheresisResponse));
        w.WriteString("recoveryClass", WireNames.Of(e.RecoveryClass));
        if (e.Recovery is { } rc)
        {
            w.WriteStartObject("recovery");
            Point(w, "baseline", rc.Baseline);
            Point(w, "nadir", rc.Nadir);
            Point(w, "steroidEnd", rc.SteroidEnd);
            Point(w, "apheresisEnd", rc.ApheresisEnd);
            Point(w, "month1", rc.Month1);
            Point(w, "month3", rc.Month3);
            Point(w, "month6", rc.Month6);
            Point(w, "latest", rc.Latest);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("recovery");
        }

        w.WriteEndObject();
    }

    private static void Advice(Utf8JsonWriter w, Advice a)
    {
        w.WriteStartObject("recommendation");
        w.WriteString("primary", WireNames.Of(a.Primary));
        w.WriteString("urgency", WireNames.Of(a.Urgency));
        w.WriteString("primaryRule", a.PrimaryRule);
        w.WriteStartArray("concurrent");
        foreach (var x in a.Concurrent)
        {
            w.WriteStringValue(WireNames.Of(x));
        }

        w.WriteEndArray();
        if (a.ReassessOn is { } reassess)
        {
            Date(w, "reassessOn", reassess);
        }

        Reasoned(w, "alternatives", a.Alternatives);
        Reasoned(w, "notRecommended", a.NotRecommended);
        w.WriteEndObject();
    }

    private static void Reasoned(Utf8JsonWriter w, string name, ImmutableArray<ActionWithReason> items)
    {
        w.WriteStartArray(name);
        foreach (var x in items)
        {
            w.WriteStartObject();
            w.WriteString("action", WireNames.Of(x.Action));
            String(w, "reason", x.Reason);
            Strings(w, "evidence", x.Evidence);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Steroids(Utf8JsonWriter w, SteroidPlan s)
    {
        w.WriteStartObject("steroids");
        String(w, "drug", s.Drug);
        w.WriteString("action", WireNames.Of(s.Action));
        w.WriteString("route", WireNames.Of(s.Route));
        Number(w, "doseMgPerDay", s.DoseMgPerDay);
        Number(w, "doseMgPerKgPerDay", s.DoseMgPerKgPerDay);
        w.WriteNumber("days", s.Days);
        // Left out when null, as ToJson's WithoutNulls("totalDoseMg", "prednisoneEquivalentMg", "infusion").
        if (s.TotalDoseMg is { } total)
        {
            w.WriteNumber("totalDoseMg", total);
        }

        if (s.PrednisoneEquivalentMg is { } pred)
        {
            w.WriteNumber("prednisoneEquivalentMg", pred);
        }

        Date(w, "startDate", s.StartDate);
        Date(w, "endDate", s.EndDate);
        Date(w, "reassessOn", s.ReassessOn);
        if (s.Infusion is { } infusion)
        {
            w.WriteString("infusion", infusion);
        }

        w.WriteBoolean("afterMriExcludesPml", s.AfterMriExcludesPml);
        Strings(w, "monitoring", s.Monitoring);
        String(w, "taper", s.Taper);
        Strings(w, "notes", s.Notes);
        Strings(w, "evidence", s.Evidence);
        w.WriteEndObject();
    }

    private static void PlasmaExchange(Utf8JsonWriter w, TpePlan t)
    {
        w.WriteStartObject("plasmaExchange");
        if (t.Method is { } method)
        {
            w.WriteString("method", method);
        }

        Number(w, "totalBloodVolumeMl", t.TotalBloodVolumeMl);
        Number(w, "plasmaVolumeMl", t.PlasmaVolumeMl);
        Number(w, "kaplanPlasmaVolumeMl", t.KaplanPlasmaVolumeMl);
        w.WriteNumber("plasmaVolumesPerExchange", t.PlasmaVolumesPerExchange);
        Number(w, "exchangeVolumeMl", t.ExchangeVolumeMl);
        w.WriteNumber("fractionRemainingPerExchange", t.FractionRemainingPerExchange);
        w.WriteNumber("exchanges", t.Exchanges);
        Schedule(w, t.Schedule);
        String(w, "replacementFluid", t.ReplacementFluid);
        Number(w, "albuminGramsPerExchange", t.AlbuminGramsPerExchange);
        if (t.AlbuminVialsPerExchange is { } v)
        {
            w.WriteNumber("albuminVialsPerExchange", v);
        }
        else
        {
            w.WriteNull("albuminVialsPerExchange");
        }

        w.WriteStartArray("predictedIgG");
        foreach (var p in t.PredictedIgG)
        {
            w.WriteStartObject();
            w.WriteNumber("session", p.Session);
            w.WriteNumber("plasmaFractionAfter", p.PlasmaFractionAfter);
            w.WriteNumber("totalBodyFractionAfter", p.TotalBodyFractionAfter);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        Strings(w, "monitoring", t.Monitoring);
        if (t.StartDate is { } start)
        {
            Date(w, "startDate", start);
        }

        Course(w, t.Summary, t.CourseEndsOn, t.LateReassessOn);
        Strings(w, "notes", t.Notes);
        Strings(w, "evidence", t.Evidence);
        w.WriteEndObject();
    }

    private static void Immunoadsorption(Utf8JsonWriter w, IaPlan i)
    {
        w.WriteStartObject("immunoadsorption");
        w.WriteNumber("sessions", i.Sessions);
        Schedule(w, i.Schedule);
        w.WriteString("replacementFluid", "none");
        String(w, "processedPlasmaVolumesPerSession", i.ProcessedPlasmaVolumesPerSession);
        Strings(w, "monitoring", i.Monitoring);
        if (i.StartDate is { } start)
        {
            Date(w, "startDate", start);
        }

        Course(w, i.Summary, i.CourseEndsOn, i.LateReassessOn);
        Strings(w, "evidence", i.Evidence);
        w.WriteEndObject();
    }

    /// <summary>2026.2 members of an apheresis plan: <c>summary</c>, <c>courseEndsOn</c>, <c>lateReassessOn</c> (each left out when null).</summary>
    private static void Course(Utf8JsonWriter w, string? summary, DateOnly? courseEndsOn, DateOnly? lateReassessOn)
    {
        if (summary is not null)
        {
            w.WriteString("summary", summary);
        }

        if (courseEndsOn is { } end)
        {
            Date(w, "courseEndsOn", end);
        }

        if (lateReassessOn is { } late)
        {
            Date(w, "lateReassessOn", late);
        }
    }

    private static void Schedule(Utf8JsonWriter w, ImmutableArray<PlannedSession> schedule)
    {
        w.WriteStartArray("schedule");
        foreach (var s in schedule)
        {
            w.WriteStartObject();
            w.WriteNumber("session", s.Session);
            Date(w, "date", s.Date);
            w.WriteBoolean("done", s.Done);
            if (s.Kind is { } kind)
            {
                w.WriteString("kind", WireNames.Of(kind));
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Point(Utf8JsonWriter w, string name, RecoveryPoint? p)
    {
        if (p is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        Date(w, "date", p.Date);
        w.WriteNumber("edss", p.Edss);
        w.WriteNumber("daysFromOnset", p.DaysFromOnset);
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, ImmutableArray<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            if (v is null)
            {
                w.WriteNullValue();
            }
            else
            {
                w.WriteStringValue(v);
            }
        }

        w.WriteEndArray();
    }

    // A null string is JSON null, as a null JsonNode in the tree.
    private static void String(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Date(Utf8JsonWriter w, string name, DateOnly date)
    {
        // "yyyy-MM-dd" as Text.Date writes it, without the intermediate string.
        Span<byte> text = stackalloc byte[10];
        Digits(text[..4], date.Year);
        text[4] = (byte)'-';
        Digits(text.Slice(5, 2), date.Month);
        text[7] = (byte)'-';
        Digits(text.Slice(8, 2), date.Day);
        w.WriteString(name, text);
    }

    private static void Digits(Span<byte> span, int value)
    {
        for (var i = span.Length - 1; i >= 0; i--)
        {
            span[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
