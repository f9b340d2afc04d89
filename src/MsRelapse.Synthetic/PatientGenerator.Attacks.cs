namespace MsRelapse.Synthetic;

internal sealed partial class PatientGenerator
{
    /// <summary>
    /// One attack from onset to its settled state: the first visit (EDSS at nadir, vital signs, labs), the infection
    /// of a pseudo-relapse, the steroid course and its review, and for non-responders apheresis, a second steroid
    /// pulse or nothing. Resources dated after as-of are not written (the export is a snapshot).
    /// </summary>
    private SynthAttack SimulateAttack(DateOnly onset, int[] pre, SynthCourse course, out int[] after, out DateOnly settled)
    {
        var pseudo = _rng.Chance(p.PseudoRelapsePerAttack);
        var severity = pseudo ? 0 : _rng.Pick(p.SeverityWeights);
        var nadir = Worsen(pre, severity);
        var visit = onset.AddDays(Math.Min(30, (int)_rng.Exponential(p.PresentationDelayMeanDays)));
        var edssBefore = Edss(pre);
        var edssNadir = Edss(nadir);
        var abatementRecorded = _rng.Chance(p.RelapseAbatementRecordedShare);
        DateOnly? resolved = null;

        Encounter(visit, severity == 2 ? "IMP" : "AMB");
        EdssObservation(visit, nadir);
        var fever = pseudo && _rng.Chance(p.FeverOfPseudoRelapses);
        Temperature(visit, fever ? _rng.Uniform(38.0, 39.6) : _rng.Uniform(36.2, 37.5));
        BloodPressure(visit);
        if (ChildOn(visit) || !_rng.Chance(p.WeightMissingAtVisit))
        {
            Weight(visit);
        }

        MaybeHeight(visit);
        var uti = pseudo && _rng.Chance(p.UtiOfPseudoRelapses);
        if (uti || _rng.Chance(p.UrineNitriteTestedAtAttackShare))
        {
            Qualitative(Loinc, "5802-4", "Nitrite [Presence] in Urine by Test strip", visit, uti, "laboratory");
        }

        if (_rng.Chance(p.BloodTestsAtAttackShare))
        {
            Hematocrit(visit);
            Calcium(visit);
        }

        var steroidTreated = false;
        bool? responded = null;
        var escalation = SynthEscalation.None;
        DateOnly? reviewDate = null;
        DateOnly? apheresisStart = null;
        bool? apheresisResponded = null;

        if (pseudo)
        {
            var infectionOnset = onset.AddDays(-_rng.Between(0, 3));
            var (system, code, display) = uti
                ? (Snomed, "68566005", "Urinary tract infectious disease (disorder)")
                : _rng.Pick([0.4, 0.3, 0.3]) switch
                {
                    0 => (Snomed, "10509002", "Acute bronchitis (disorder)"),
                    1 => (Snomed, "444814009", "Viral sinusitis (disorder)"),
                    _ => (Icd10, "J06.9", "Acute upper respiratory infection, unspecified"),
                };
            var stale = _rng.Chance(p.StaleInfectionOfPseudoRelapseShare);
            var infectionEnd = infectionOnset.AddDays(_rng.Between(7, 14));
            WriteCondition(system, code, display, infectionOnset, stale ? null : infectionEnd, stale ? "active" : "resolved");
            if (fever && _rng.Chance(0.3))
            {
                WriteCondition(Snomed, "386661006", "Fever (finding)", visit, null, "active");
            }

            after = pre;
            var followUp = visit.AddDays(_rng.Between(10, 20));
            if (_rng.Chance(0.7))
            {
                Encounter(followUp, "AMB");
                EdssObservation(followUp, pre);
            }

            settled = followUp;
            resolved = followUp;
        }
        else if (_rng.Chance(p.SteroidTreatedBySeverity[severity]))
        {
            steroidTreated = true;
            var start = visit.AddDays(_rng.Between(0, 2));
            var days = GiveFirstCourse(start, ChildOn(start));
            var end = start.AddDays(days - 1);
            responded = !_rng.Chance(p.SteroidNonResponseShare);
            var review = end.AddDays(_rng.Between(p.ResponseReviewDays[0], p.ResponseReviewDays[1]));
            reviewDate = review;
            var postSteroid = responded.Value ? Recover(pre, nadir) : NoImprovement(nadir);
            if (_rng.Chance(p.ResponseReviewRecordedShare))
            {
                Encounter(review, "AMB");
                EdssObservation(review, postSteroid);
            }

            after = postSteroid;
            settled = review;
            if (responded.Value)
            {
                resolved = review;
            }
            else
            {
                switch (_rng.Pick(p.NonResponderEscalationWeights))
                {
                    case 0:
                        escalation = _rng.Chance(p.PlasmaExchangeOfApheresis) ? SynthEscalation.PlasmaExchange : SynthEscalation.Immunoadsorption;
                        var first = review.AddDays(Math.Clamp((int)Math.Round(_rng.LogNormal(p.EscalationDelayMedianDays, 2)), 1, 60));
                        apheresisStart = first;
                        var last = Apheresis(first, escalation);
                        apheresisResponded = _rng.Chance(course == SynthCourse.RelapsingRemitting ? p.ApheresisResponseRelapsing : p.ApheresisResponseProgressive);
                        var post = apheresisResponded.Value ? Recover(pre, nadir) : postSteroid;
                        var assessed = last.AddDays(_rng.Between(7, 28));
                        if (_rng.Chance(p.ResponseReviewRecordedShare))
                        {
                            Encounter(assessed, "AMB");
                            EdssObservation(assessed, post);
                        }

                        after = post;
                        settled = assessed;
                        if (apheresisResponded.Value)
                        {
                            resolved = assessed;
                        }

                        break;
                    case 1:
                        // A second steroid pulse. Adults: German practice, 2 g/day × 5 days IV. Children (under 18 on
                        // that day): escalated steroids are for adults only (clinical.md R6.4, R9), so a repeat at the
                        // child's dose (30 mg/kg/day, max 1 g, × 5; E-PEDS-2021).
                        // E-PFEUFFER-2020: good or average recovery in ~29 % after the escalated pulse.
                        escalation = SynthEscalation.EscalatedSteroids;
                        var second = review.AddDays(_rng.Between(1, 5));
                        Encounter(second, "IMP");
                        if (ChildOn(second))
                        {
                            SteroidCourse(methylprednisolone: true, intravenous: true, ChildMethylprednisoloneMgPerDay(), 5, second, asAdministration: true);
                        }
                        else
                        {
                            SteroidCourse(methylprednisolone: true, intravenous: true, 2000, 5, second, asAdministration: true);
                        }

                        var better = _rng.Chance(p.SecondPulseResponseShare);
                        var post2 = better ? Recover(pre, nadir) : postSteroid;
                        var review2 = second.AddDays(4 + _rng.Between(p.ResponseReviewDays[0], p.ResponseReviewDays[1]));
                        if (_rng.Chance(p.ResponseReviewRecordedShare))
                        {
                            Encounter(review2, "AMB");
                            EdssObservation(review2, post2);
                        }

                        after = post2;
                        settled = review2;
                        if (better)
                        {
                            resolved = review2;
                        }

                        break;
                }
            }
        }
        else
        {
            // Untreated: natural recovery over 1–3 months (E-STOPPE-2017 / §10: most improve over weeks to months).
            var followUp = onset.AddDays(_rng.Between(30, 90));
            after = Recover(pre, nadir);
            if (_rng.Chance(0.6))
            {
                Encounter(followUp, "AMB");
                EdssObservation(followUp, after);
            }

            settled = followUp;
            resolved = followUp;
        }

        WriteCondition(Snomed, "192929006", "Exacerbation of multiple sclerosis (disorder)", onset,
            abatementRecorded && resolved is { } r && r <= _until ? r : null,
            abatementRecorded && resolved is { } r2 && r2 <= _until ? "resolved" : "active");

        return new SynthAttack(onset, severity, pseudo, edssBefore, edssNadir, steroidTreated, responded, escalation, reviewDate, apheresisStart, apheresisResponded, settled);
    }

    /// <summary>The first steroid course (regimens in <see cref="CohortParameters.AdultRegimenWeights"/>; children E-PEDS-2021). Returns its days.</summary>
    private int GiveFirstCourse(DateOnly start, bool child)
    {
        if (child)
        {
            Encounter(start, "IMP");
            SteroidCourse(methylprednisolone: true, intravenous: true, ChildMethylprednisoloneMgPerDay(), 5, start, _rng.Chance(p.IvRecordedAsAdministrationShare));
            return 5;
        }

        var (mp, iv, dose, days) = _rng.Pick(p.AdultRegimenWeights) switch
        {
            0 => (true, true, 1000.0, 3),
            1 => (true, true, 1000.0, 5),
            2 => (true, false, 500.0, 5),
            3 => (true, false, 1000.0, 3),
            _ => (false, false, 1250.0, 3),
        };
        if (iv)
        {
            Encounter(start, "IMP");
        }

        var asAdministration = iv ? _rng.Chance(p.IvRecordedAsAdministrationShare) : !_rng.Chance(p.OralRecordedAsOrderShare);
        SteroidCourse(mp, iv, dose, days, start, asAdministration);
        return days;
    }

    /// <summary>A child's daily IV methylprednisolone: 30 mg/kg rounded down to 10 mg, at most 1,000 mg (E-PEDS-2021).</summary>
    private double ChildMethylprednisoloneMgPerDay() =>
        Math.Min(p.ChildMethylprednisoloneMaxMgPerDay, Math.Floor(p.ChildMethylprednisoloneMgPerKg * _weightKg / 10) * 10);

    /// <summary>
    /// An apheresis course: the work-up the day before (weight, height, hematocrit, fibrinogen, calcium, BP), then the
    /// sessions — plasma exchange every other day (E-ASFA-2023), immunoadsorption on consecutive days
    /// (E-IA-DORST-2019). Returns the date of the last session.
    /// </summary>
    private DateOnly Apheresis(DateOnly first, SynthEscalation kind)
    {
        var workUp = first.AddDays(-1);
        Encounter(workUp, "AMB");
        Weight(workUp);
        MaybeHeight(workUp);
        Hematocrit(workUp);
        Fibrinogen(workUp);
        Calcium(workUp);
        BloodPressure(workUp);
        var tpe = kind == SynthEscalation.PlasmaExchange;
        var cpt = _rng.Chance(p.ApheresisCptShare);
        var date = first;
        for (var i = 0; i < p.ApheresisSessions; i++)
        {
            date = first.AddDays(tpe ? 2 * i : i);
            Encounter(date, "AMB");
            ApheresisProcedure(date, tpe, cpt);
        }

        return date;
    }

    private void RoutineVisit(DateOnly date, int[] fs)
    {
        Encounter(date, "AMB");
        EdssObservation(date, fs);
        if (_rng.Chance(0.8))
        {
            BloodPressure(date);
        }

        if (!_rng.Chance(p.WeightMissingAtVisit))
        {
            Weight(date);
        }

        MaybeHeight(date);
        if (_rng.Chance(0.3))
        {
            Hematocrit(date);
        }

        if (_rng.Chance(0.2))
        {
            Calcium(date);
        }

        if (_diabetic && _rng.Chance(0.7))
        {
            Quantity(Loinc, "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", date, Math.Round(_rng.Uniform(6.0, 9.5), 1), "%", "laboratory");
        }

        if (_rng.Chance(0.4))
        {
            Temperature(date, _rng.Uniform(36.2, 37.4));
        }
    }

    private void WriteHistoryInfections(DateOnly historyStart, int historyDays)
    {
        if (historyDays <= 0)
        {
            return;
        }

        for (var t = _rng.Exponential(365.0 / p.InfectionsPerYear); t < historyDays; t += _rng.Exponential(365.0 / p.InfectionsPerYear))
        {
            var onset = historyStart.AddDays((int)t);
            var (system, code, display) = _rng.Pick([0.35, 0.25, 0.2, 0.1, 0.1]) switch
            {
                0 => (Snomed, "68566005", "Urinary tract infectious disease (disorder)"),
                1 => (Snomed, "10509002", "Acute bronchitis (disorder)"),
                2 => (Snomed, "444814009", "Viral sinusitis (disorder)"),
                3 => (Snomed, "840539006", "Disease caused by severe acute respiratory syndrome coronavirus 2 (disorder)"),
                _ => (Icd10Cm, "N39.0", "Urinary tract infection, site not specified"),
            };
            var stale = _rng.Chance(p.StaleInfectionShare);
            WriteCondition(system, code, display, onset, stale ? null : onset.AddDays(_rng.Between(5, 21)), stale ? "active" : "resolved");
        }
    }
}
