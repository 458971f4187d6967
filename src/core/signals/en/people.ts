import { hits } from "../findings.ts";
import { addEvidence, clip, type EnContext } from "./context.ts";

/** Job titles and deciding bodies. Case matters for short forms (IT, VP), so no `i` flag. */
const TITLE = String.raw`(?:C[EFOTIMRP]O|CISO|CHRO|CNO|VP(?: of [A-Z][\w&]*(?: [A-Z][\w&]*)?)?|(?:[Ss]enior |[Ee]xecutive )?[Vv]ice[- ][Pp]resident(?: of \w+)?|[Cc]hief \w+(?: \w+)? [Oo]fficer|[Hh]ead of [\w&]+(?: [A-Z&][\w&]*)?|(?:[A-Z][\w&]* ){0,2}[Dd]irector(?: of [\w&]+)?|(?:[A-Za-z-]+ ){0,2}[Mm]anager|[Oo]wner|[Cc]o-?founder|[Ff]ounder|[Pp]resident|[Mm]anaging [Pp]artner|[Pp]artners?|[Bb]oard(?: of [Dd]irectors)?|[Pp]rocurement(?: team| department| office| lead)?|[Pp]urchasing(?: team| department)?|[Ff]inance(?: team| department)?|[Ll]egal(?: team)?|IT(?: team| department)?|[Cc]ommittee|[Mm]atron|[Aa]dministrator|[Ss]uperintendent|[Pp]rincipal|[Cc]ontroller|[Tt]reasurer|GM|MD|[Gg]eneral [Mm]anager|[Mm]anaging [Dd]irector|[Ss]upervisor|[Tt]eam [Ll]ead(?:er)?|[Bb]oss|[Mm]anagement|[Cc]ouncil|[Tt]rustees)`;
const TITLE_RE = new RegExp(`\\b${TITLE}\\b`, "g");
/** "The founder told me": the note's source is the contact, named by title. */
const SOURCE_VERB =
  /^[^.;]{0,12}?\b(?:told|said|says|explained|mentioned|confirmed|expects|wants|thinks|asked)\b/i;

/** Teams and bodies rather than a person: involved in the decision, not the contact's own title. */
const DEPARTMENT =
  /^(?:procurement|purchasing|finance|legal|IT|board|committee|management|council|trustees)\b/i;
const JUNIOR = /\b(intern|trainee|student|junior|assistant|apprentice|work experience)\b/gi;

const SELF_DECIDES =
  /\b(I(?:'m| am)? (?:the (?:one|person) who )?(?:sign(?:s)? (?:it )?off|sign the|decide|approve|make the (?:final )?(?:call|decision)|own the budget|hold the budget|have (?:the )?(?:final say|sign-?off|authority|budget))|(?:it'?s|it is) (?:my|our) (?:call|decision|budget)|I(?:'m| am) the (?:decision[- ]maker|budget holder|one (?:signing|deciding))|I can sign|I have sign-?off|(?:the )?budget is mine|the decision is mine|I sign off)\b/gi;
const SELF_ROLE =
  /\b(I(?:'m| am) (?:the |our |their )?(?:[A-Za-z-]+ ){0,3}(?:head|director|manager|owner|founder|CEO|CFO|COO|CTO|CIO|VP|president|lead|partner|chief)\b|(?:I|she|he) (?:run|runs|manage|manages|lead|leads|head|heads|oversee|oversees|own|owns) (?:the |our |their |a )?[a-z]|(?:as|being) (?:the )?(?:head|director|manager|owner|founder|CEO|CFO|COO|CTO|VP)\b)/gi;
const NOT_SELF =
  /\b(not my (?:call|decision|budget)|(?:you'd|you would|I'd|I would|we'd|we would) have to ask|ask someone (?:else|upstairs|above|higher up)|(?:need|have|got) to (?:check|run (?:it|this)|clear (?:it|this)|get (?:it )?(?:approved|sign-?off|approval)|talk to|speak to|speak with|ask) (?:with |by |past |from )?(?:my|our|the) (?:boss|manager|director|head|CFO|CEO|COO|owner|board|team|partners?|finance|procurement|IT)|above my pay ?grade|I (?:don't|do not) (?:make|have) (?:the )?(?:decision|final say|sign-?off|authority|budget)|I (?:can't|cannot) (?:sign|approve|decide)|(?:it'?s|it is) not up to me|I just (?:collect|gather|research))/gi;

const DECIDER_CUE =
  /\b(final say|final decision|final approval|final yes|sign(?:s|ed)? (?:it )?off|sign-?off|signs?|signature|approv(?:e|es|al)|budget (?:holder|owner)|holds? the (?:budget|purse)|owns? the budget|controls? the (?:budget|money|purse)|purse strings|green light|makes? the (?:final )?(?:call|decision)|decides?|decision[- ]maker|has to agree|must agree|veto)\b/i;
const INVOLVED_CUE =
  /\b(also involved|involve[sd]?|weigh(?:s)? in|loop(?:ed)? in|needs? to see|will (?:review|want to see|evaluate|look at)|reviews?|evaluat\w+|get buy-?in|buy-?in from|on board|stakeholders?|present (?:it|this|(?:the|our|your|a) \w+) to|in front of|(?:talk|speak) (?:to|with)|check with|run (?:it|this) (?:by|past)|consult\w*|sit in|join (?:the|our) (?:next )?call|has a say|have a say|input from)\b/i;
const OTHER_PERSON =
  /\b(my|our|their|his|her) (?:boss|manager|director|head|owner|CFO|CEO|COO|CTO|CIO|board|partners?|MD|GM|committee|management)\b/;

const PROCESS =
  /\b(shortlist(?:ed|ing)?|pilot|trial period|proof of concept|POC|selection process|evaluation process|steering committee|committee|board meeting|vote|reference calls?|next steps? (?:is|are|will be)|two-stage|three-stage|first round|second round|final round|scoring matrix|bake-?off)\b/gi;

const PAPER =
  /\b(legal (?:review|team|sign-?off)|procurement (?:process|team|department|review|portal|rules|policy)|security (?:review|questionnaire|assessment|audit)|vendor (?:onboarding|registration|approval|form)|purchase orders?|\bPOs?\b|MSA|DPA|master (?:services? )?agreement|framework agreement|public tender|tender process|supplier (?:onboarding|registration|approval)|contract (?:review|terms|negotiation)|data processing agreement|three quotes (?:rule|policy))\b/gi;

const CHAMPION =
  /\b((?:I|she|he|they)(?:'ll| will|'d| would) (?:push (?:for|this|it)|champion|fight for|advocate|make the case|sell (?:it|this) internally|present (?:it|this|you|our)|introduce you|get you (?:in front of|a meeting with|time with))|offered to (?:present|introduce|champion|sponsor)|(?:I|she|he) can get you (?:in front of|a meeting with|time with)|I(?:'m| am) (?:your|the) (?:internal )?champion)\b/gi;

/**
 * Who decides: the contact's own authority (or a lack of it), the economic buyer named with what
 * they control, others who weigh in and the steps of the decision, the paper process, a champion.
 */
export function readPeople(ctx: EnContext): void {
  for (const s of ctx.claims) {
    const t = s.span.text;
    for (const h of hits(ctx.text, s.span, NOT_SELF)) {
      addEvidence(ctx, {
        rule: "authority.not-self",
        element: "authority",
        polarity: "negative",
        span: h.span,
        summary: `Not the decider: "${clip(h.span.text)}"`,
      });
      addEvidence(ctx, {
        rule: "process.other-approver",
        element: "decision_process",
        span: h.span,
        summary: `Someone else approves: "${clip(h.span.text)}"`,
      });
    }
    for (const h of hits(ctx.text, s.span, SELF_DECIDES))
      addEvidence(ctx, {
        rule: "authority.self-decides",
        element: "authority",
        span: h.span,
        summary: `Decides or signs: "${clip(h.span.text)}"`,
      });
    for (const h of hits(ctx.text, s.span, SELF_ROLE))
      addEvidence(ctx, {
        rule: "authority.role",
        element: "authority",
        span: h.span,
        summary: `Contact's role: "${clip(h.span.text)}"`,
      });
    for (const h of hits(ctx.text, s.span, JUNIOR)) {
      if (/\b(I(?:'m| am)|spoke (?:with|to)|call with|contact is|(?:she|he|they)(?:'s| is| are))\b/i.test(t))
        addEvidence(ctx, {
          rule: "authority.junior",
          element: "authority",
          polarity: "negative",
          span: h.span,
          summary: `Junior contact: "${h.span.text}"`,
        });
    }
    const titles = hits(ctx.text, s.span, TITLE_RE);
    const selfSubject =
      /^\s*(?:and |but |so )?I\b/.test(t) || /\bI(?:'m| am| sign| decide| approve)\b/.test(t);
    for (const h of titles) {
      const who = h.span.text;
      if (DECIDER_CUE.test(t) && !(selfSubject && !OTHER_PERSON.test(t))) {
        addEvidence(ctx, {
          rule: "economic-buyer.named",
          element: "economic_buyer",
          span: h.span,
          summary: `${who} decides or signs`,
          value: { type: "name", name: who },
        });
      } else if (INVOLVED_CUE.test(t) || OTHER_PERSON.test(t)) {
        addEvidence(ctx, {
          rule: "process.stakeholder",
          element: "decision_process",
          span: h.span,
          summary: `${who} is involved in the decision`,
          value: { type: "name", name: who },
        });
      } else if (DEPARTMENT.test(who)) {
      } else if (
        SOURCE_VERB.test(ctx.text.slice(h.span.end, h.span.end + 24)) &&
        /^(?:the|their|our)\s*$/i.test(ctx.text.slice(Math.max(s.span.start, h.span.start - 6), h.span.start))
      ) {
        addEvidence(ctx, {
          rule: "authority.title",
          element: "authority",
          span: h.span,
          summary: `Contact is ${who}`,
          value: { type: "name", name: who },
        });
      } else if (
        /\b(spoke (?:with|to)|talked (?:with|to)|call with|met (?:with)?|meeting with|email from|message from|contact(?:ed)?|reached)\b/i.test(
          t,
        ) ||
        /^[A-Z][a-z]+(?: [A-Z][a-z]+)?(?:, | \()/.test(t)
      ) {
        addEvidence(ctx, {
          rule: "authority.title",
          element: "authority",
          span: h.span,
          summary: `Contact is ${who}`,
          value: { type: "name", name: who },
        });
      }
    }
    for (const h of hits(ctx.text, s.span, PROCESS))
      addEvidence(ctx, {
        rule: "process.steps",
        element: "decision_process",
        span: h.span,
        summary: `Decision step: "${h.span.text}"`,
      });
    for (const h of hits(ctx.text, s.span, PAPER))
      addEvidence(ctx, {
        rule: "paper.process",
        element: "paper_process",
        span: h.span,
        summary: `Paper process: "${h.span.text}"`,
      });
    for (const h of hits(ctx.text, s.span, CHAMPION))
      addEvidence(ctx, {
        rule: "champion.offer",
        element: "champion",
        span: h.span,
        summary: `Offers to sell internally: "${clip(h.span.text)}"`,
      });
  }
}
