using MsRelapse.Core.Contract;
using System.Text;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Server.CdsHooks;

/// <summary>Where a card's link goes and how the card names its source.</summary>
/// <param name="ServiceId">The CDS service called.</param>
/// <param name="PatientId">context.patientId.</param>
/// <param name="InputKey">The identity of the input (record hash, date, draft orders): card uuids derive from it.</param>
/// <param name="PageUrl">The patient's page (absolute URL), or the SMART launch URL.</param>
/// <param name="LinkType"><c>absolute</c> or <c>smart</c>.</param>
internal sealed record CardContext(string ServiceId, string PatientId, string InputKey, string PageUrl, string LinkType);

/// <summary>
/// The patient-view cards (shared/contract/cds-hooks.md "Cards"): the recommendation card with its suggestions,
/// then one card per critical flag; nothing without an episode; a warning card for an R0 rejection.
/// </summary>
internal static class PatientViewCards
{
    public const string OverrideSystem = "http://msrelapse.org/fhir/CodeSystem/cds-override-reason";

    /// <summary>Reading notes listed on a card; beyond them the card says how many more there are.</summary>
    private const int MaxReadingNotes = 10;

    /// <summary>Coded reasons a clinician may give for not following a card (counted in metrics by code).</summary>
    public static readonly IReadOnlyList<CdsCoding> OverrideReasons =
    [
        new("already-ordered", OverrideSystem, "Already ordered or given"),
        new("patient-declined", OverrideSystem, "Patient declined"),
        new("contraindication-not-in-record", OverrideSystem, "Contraindication not in the record"),
        new("record-incorrect", OverrideSystem, "The record is incomplete or wrong"),
        new("clinical-judgement", OverrideSystem, "Different clinical judgement"),
    ];

    public static CdsSource Source(Recommendation? r) =>
        new($"MsRelapse (knowledge base {r?.Engine.KnowledgeBase ?? PathwayEngine.KnowledgeBaseVersion})");

    public static string Indicator(Recommendation r) =>
        r.Advice.Urgency is Urgency.Emergency or Urgency.Urgent || r.Flags.Any(f => f.Severity == FlagSeverity.Critical) ? "critical"
        : r.Advice.Urgency == Urgency.Soon || r.Flags.Any(f => f.Severity == FlagSeverity.Warning) ? "warning"
        : "info";

    public static List<CdsCard> Build(Recommendation r, CardContext context)
    {
        if (r.Episode.Status == EpisodeStatus.NoEpisode)
        {
            return [];
        }

        var cards = new List<CdsCard>();
        var cardUuid = CdsIds.Of(context.ServiceId, context.PatientId, context.InputKey, "recommendation");
        var suggestions = Suggestions(r, cardUuid);
        cards.Add(new CdsCard
        {
            Uuid = cardUuid,
            Summary = CardText.Summary(r),
            Indicator = Indicator(r),
            Detail = Detail(r),
            Source = Source(r),
            Suggestions = suggestions.Count > 0 ? suggestions : null,
            SelectionBehavior = suggestions.Count > 0 ? "at-most-one" : null,
            OverrideReasons = OverrideReasons,
            Links = [Link(context)],
        });

        foreach (var flag in r.Flags.Where(f => f.Severity == FlagSeverity.Critical))
        {
            var code = WireNames.Of(flag.Code);
            cards.Add(new CdsCard
            {
                Uuid = CdsIds.Of(context.ServiceId, context.PatientId, context.InputKey, "flag", code),
                Summary = CardText.Fit($"Critical: {FlagTitle(flag)}"),
                Indicator = "critical",
                Detail = $"**{code}**: {CardText.Md(flag.Message)}" + Evidence(flag.Evidence),
                Source = Source(r),
                OverrideReasons = OverrideReasons,
                Links = [Link(context)],
            });
        }

        return cards;
    }

    /// <summary>An R0 (or reader) rejection: one warning card naming the implausible data, no suggestion.</summary>
    public static CdsCard Rejection(IReadOnlyList<InputError> errors, CardContext context)
    {
        var detail = new StringBuilder("MsRelapse did not evaluate this record: these data are implausible or unreadable. Check and correct them in the record.\n\n");
        foreach (var e in errors)
        {
            detail.Append("- **").Append(CardText.Md(e.Code)).Append("**: ").Append(CardText.Md(e.Message));
            if (e.Source?.Resource is { } resource)
            {
                detail.Append(" (").Append(CardText.Md(resource)).Append(e.Source.Path is { } path ? ", " + CardText.Md(path) : "").Append(')');
            }

            detail.Append('\n');
        }

        var first = errors.Count > 0 ? errors[0].Source?.Resource ?? errors[0].Code : "the record";
        return new CdsCard
        {
            Uuid = CdsIds.Of(context.ServiceId, context.PatientId, context.InputKey, "rejected"),
            Summary = CardText.Fit($"No recommendation: implausible data in {CardText.Count(errors.Count, "place")} (first: {first})"),
            Indicator = "warning",
            Detail = detail.ToString().TrimEnd(),
            Source = Source(null),
            Links = [Link(context)],
        };
    }

    /// <summary>The record is incomplete: some prefetch could be had neither way.</summary>
    public static CdsCard Degraded(IReadOnlyList<string> unavailable, CardContext context, Recommendation? r) => new()
    {
        Uuid = CdsIds.Of(context.ServiceId, context.PatientId, context.InputKey, "degraded", string.Join(',', unavailable)),
        Summary = CardText.Fit($"Incomplete record: {string.Join(", ", unavailable)} could not be read; check before acting"),
        Indicator = "warning",
        Detail = "The EHR could not provide these data (it reported an error in their place, or its FHIR server refused, failed, was too slow or had more than could be read): " + string.Join(", ", unavailable.Select(u => $"`{u}`")) +
            ". The recommendation was made without them: steroid courses, apheresis sessions or contraindications recorded there are not taken into account.",
        Source = Source(r),
    };

    /// <summary>The first lines of the recommendation card when some data could not be read.</summary>
    public static string IncompleteWarning(IReadOnlyList<string> unavailable) =>
        $"**Incomplete record — check before acting:** {string.Join(", ", unavailable.Select(u => $"`{u}`"))} could not be read, and this recommendation "
        + "was made without them (a steroid course, an apheresis session or a contraindication recorded there would change it).";

    public static CdsLink Link(CardContext context) =>
        new("Open the plan in MsRelapse", context.PageUrl, context.LinkType, context.LinkType == "smart" ? $"patient={context.PatientId}" : null);

    /// <summary>
    /// The flag's first sentence or clause: its message up to the first full stop or semicolon that ends one — outside a
    /// parenthesis (which would be left open, its closing words lost) and not a decimal point.
    /// </summary>
    private static string FlagTitle(Flag flag)
    {
        var message = flag.Message;
        var depth = 0;
        for (var i = 0; i < message.Length; i++)
        {
            depth += message[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (message[i] is '.' or ';' && depth == 0 && i > 20 && (i + 1 == message.Length || message[i + 1] == ' '))
            {
                return message[..i];
            }
        }

        return message;
    }

    private static List<CdsSuggestion> Suggestions(Recommendation r, string cardUuid)
    {
        var proposals = Proposals.Of(r);
        var steps = new[] { r.Advice.Primary }.Concat(r.Advice.Concurrent).Distinct().Where(proposals.ContainsKey).ToList();
        var suggestions = new List<CdsSuggestion>();
        foreach (var step in steps)
        {
            var isPrimary = step == r.Advice.Primary;
            // The primary suggestion orders the whole recommended treatment (primary + concurrent proposals) in one click;
            // each concurrent step also has its own suggestion, for a clinician who takes only that part.
            var included = isPrimary ? steps : [step];
            suggestions.Add(new CdsSuggestion
            {
                Label = CardText.Fit("Order " + string.Join(" with ", included.Select(s => CardText.Step(s, r)))),
                Uuid = CdsIds.Of(cardUuid, "suggestion", WireNames.Of(step)),
                IsRecommended = isPrimary ? true : null,
                Actions = [.. included.Select(s => new CdsAction
                {
                    Type = "create",
                    Description = CardText.Fit($"Propose {CardText.Step(s, r)}"),
                    Resource = Proposals.Json(proposals[s]),
                })],
            });
        }

        return suggestions;
    }

    private static string Detail(Recommendation r)
    {
        var md = new StringBuilder();
        md.Append("**").Append(CardText.UrgencyWord(r.Advice.Urgency)).Append("** — ").Append(CardText.Md(CardText.Episode(r)));
        if (r.Episode.DaysSinceOnset is { } days)
        {
            md.Append(", day ").Append(days).Append(" since onset");
        }

        var edss = r.Episode.Edss;
        if (edss.Baseline is { } b && edss.Latest is { } l)
        {
            md.Append("; EDSS ").Append(CardText.Number(b)).Append(" → ").Append(CardText.Number(l));
        }

        md.Append(".\n\n**Primary:** ").Append(CardText.Md(CardText.Step(r.Advice.Primary, r)));
        foreach (var c in r.Advice.Concurrent)
        {
            md.Append("  \n**With:** ").Append(CardText.Md(CardText.Step(c, r)));
        }

        if (r.Advice.ReassessOn is { } re)
        {
            md.Append("  \n**Reassess on:** ").Append(CardText.Date(re));
        }

        md.Append("\n\n");
        Plan(r, md);

        if (r.Rationale.Length > 0)
        {
            md.Append("**Why**\n\n");
            foreach (var line in r.Rationale)
            {
                md.Append("- ").Append(CardText.Md(line.Rule)).Append(": ").Append(CardText.Md(line.Text)).Append(Evidence(line.Evidence)).Append('\n');
            }

            md.Append('\n');
        }

        List("Alternatives", r.Advice.Alternatives, md);
        List("Not recommended", r.Advice.NotRecommended, md);
        var flags = r.Flags.OrderByDescending(f => f.Severity).ToList();
        if (flags.Count > 0)
        {
            md.Append("**Flags**\n\n");
            foreach (var f in flags)
            {
                md.Append("- ").Append(WireNames.Of(f.Severity)).Append(" `").Append(WireNames.Of(f.Code)).Append("`: ").Append(CardText.Md(f.Message)).Append(Evidence(f.Evidence)).Append('\n');
            }

            md.Append('\n');
        }

        if (r.MissingData.Length > 0)
        {
            md.Append("**Missing data:** ").Append(string.Join("; ", r.MissingData.Select(m => $"{WireNames.Of(m.Item)} (for {CardText.Md(m.NeededFor)})"))).Append("\n\n");
        }

        if (r.ReadingNotes.Length > 0)
        {
            // How the data used were read (a drug known by its name only, a dose read as mg, a resource left unused).
            md.Append("**How the record was read:**\n\n");
            foreach (var note in r.ReadingNotes.Take(MaxReadingNotes))
            {
                md.Append("- ").Append(CardText.Md(note)).Append('\n');
            }

            if (r.ReadingNotes.Length > MaxReadingNotes)
            {
                md.Append("- … and ").Append(r.ReadingNotes.Length - MaxReadingNotes).Append(" more\n");
            }

            md.Append('\n');
        }

        md.Append("Decision support: it recommends; the clinician decides.");
        return md.ToString();
    }

    private static void Plan(Recommendation r, StringBuilder md)
    {
        if (r.Plan.Steroids is { } s)
        {
            md.Append("**Steroids:** ").Append(CardText.Md(s.Drug)).Append(' ').Append(WireNames.Of(s.Route)).Append(", ");
            md.Append(s.DoseMgPerDay is { } mg ? PlanNumbers.Milligrams(mg) + "/day" : s.DoseMgPerKgPerDay is { } k ? PlanNumbers.MilligramsPerKilogram(k) + "/day" : "dose by weight");
            md.Append(" × ").Append(s.Days).Append(" days, ").Append(CardText.Date(s.StartDate)).Append(" to ").Append(CardText.Date(s.EndDate));
            if (s.TotalDoseMg is { } total)
            {
                md.Append(" (total ").Append(PlanNumbers.Milligrams(total)).Append(')');
            }

            md.Append(Evidence(s.Evidence)).Append("\n\n");
        }

        if (r.Plan.PlasmaExchange is { } t)
        {
            md.Append("**Plasma exchange:** ").Append(t.Exchanges).Append(" exchanges of ").Append(CardText.Number(t.PlasmaVolumesPerExchange)).Append(" plasma volume");
            if (t.PlasmaVolumeMl is { } pv)
            {
                md.Append(" (PV ").Append(PlanNumbers.Millilitres(pv));
                md.Append(t.TotalBloodVolumeMl is { } tbv ? $", TBV {PlanNumbers.Millilitres(tbv)}" : "").Append(')');
            }

            if (t.ExchangeVolumeMl is { } ev)
            {
                md.Append(", ").Append(PlanNumbers.Millilitres(ev)).Append(" each");
            }

            md.Append("; replacement ").Append(CardText.Md(t.ReplacementFluid));
            if (t.AlbuminGramsPerExchange is { } g)
            {
                md.Append(", albumin ").Append(PlanNumbers.Grams(g));
                md.Append(t.AlbuminVialsPerExchange is { } vials ? $" ({vials} vials)" : "").Append(" per exchange");
            }

            md.Append(".  \nSessions: ").Append(string.Join(", ", t.Schedule.Select(x => $"{x.Session}: {CardText.Date(x.Date)}{(x.Done ? " (done)" : "")}")));
            md.Append(Evidence(t.Evidence)).Append("\n\n");
        }

        if (r.Plan.Immunoadsorption is { } ia)
        {
            md.Append("**Immunoadsorption:** ").Append(ia.Sessions).Append(" sessions; processed per session: ").Append(CardText.Md(ia.ProcessedPlasmaVolumesPerSession)).Append(".  \nSessions: ");
            md.Append(string.Join(", ", ia.Schedule.Select(x => $"{x.Session}: {CardText.Date(x.Date)}{(x.Done ? " (done)" : "")}")));
            md.Append(Evidence(ia.Evidence)).Append("\n\n");
        }
    }

    private static void List(string title, IEnumerable<ActionWithReason> items, StringBuilder md)
    {
        var list = items.ToList();
        if (list.Count == 0)
        {
            return;
        }

        md.Append("**").Append(title).Append("**\n\n");
        foreach (var a in list)
        {
            md.Append("- `").Append(WireNames.Of(a.Action)).Append("`: ").Append(CardText.Md(a.Reason)).Append(Evidence(a.Evidence)).Append('\n');
        }

        md.Append('\n');
    }

    private static string Evidence(IEnumerable<string> ids)
    {
        var list = ids.ToList();
        return list.Count == 0 ? "" : " (" + string.Join(", ", list) + ")";
    }
}
