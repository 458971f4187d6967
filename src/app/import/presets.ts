import type { ImportTarget } from "./fields.ts";

export const PRESET_NAMES = ["winnow", "hubspot", "salesforce"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** Column headers of a CRM export (as the user sees them) -> Winnow field, per target. */
export type Preset = {
  readonly columns: Readonly<Partial<Record<ImportTarget, Readonly<Record<string, string>>>>>;
  /** Field -> (the CRM's value, normalised) -> Winnow's value. */
  readonly values: Readonly<Record<string, Readonly<Record<string, string>>>>;
};

const HUBSPOT_COMPANY = {
  "Company name": "company",
  "Company Name": "company",
  "Company Domain Name": "domain",
  "Website URL": "domain",
  Industry: "industry",
  "Number of Employees": "employees",
  "Annual Revenue": "annual_revenue",
  "Country/Region": "country",
  "State/Region": "region",
} as const;

const HUBSPOT: Preset = {
  columns: {
    leads: {
      Email: "email",
      "First Name": "first_name",
      "Last Name": "last_name",
      "Job Title": "title",
      "Phone Number": "phone",
      ...HUBSPOT_COMPANY,
      "Original Source": "source",
      "Lifecycle Stage": "stage",
      "Contact owner": "owner_id",
      "Create Date": "created_at",
    },
    contacts: {
      Email: "email",
      "First Name": "first_name",
      "Last Name": "last_name",
      "Job Title": "title",
      "Phone Number": "phone",
      "Company Domain Name": "account_domain",
    },
    accounts: { ...HUBSPOT_COMPANY, "Company name": "name", "Company Name": "name" },
    deals: {
      "Record ID": "external_id",
      "Deal ID": "external_id",
      "Deal Name": "name",
      Amount: "amount",
      "Deal Stage": "status",
      "Close Date": "close_date",
      "Create Date": "created_at",
      "Closed Lost Reason": "reason",
      Currency: "currency",
      "Company Domain Name": "account_domain",
      "Associated Contact Email": "contact_email",
    },
  },
  values: {
    // HubSpot lifecycle stages (internal names and labels, normalised).
    stage: {
      subscriber: "new",
      lead: "new",
      marketingqualifiedlead: "mql",
      salesqualifiedlead: "sql",
      opportunity: "opportunity",
      customer: "won",
      evangelist: "won",
      other: "new",
    },
    // Any other deal stage is still open.
    status: { closedwon: "won", closedlost: "lost", "*": "open" },
  },
};

const SALESFORCE_LEAD = {
  FirstName: "first_name",
  "First Name": "first_name",
  LastName: "last_name",
  "Last Name": "last_name",
  Email: "email",
  Title: "title",
  Phone: "phone",
  Company: "company",
  Website: "domain",
  Industry: "industry",
  NumberOfEmployees: "employees",
  "No. of Employees": "employees",
  AnnualRevenue: "annual_revenue",
  "Annual Revenue": "annual_revenue",
  Country: "country",
  State: "region",
  "State/Province": "region",
  LeadSource: "source",
  "Lead Source": "source",
  Status: "stage",
  "Lead Status": "stage",
  OwnerId: "owner_id",
  "Lead Owner": "owner_id",
  CreatedDate: "created_at",
  "Create Date": "created_at",
} as const;

const SALESFORCE: Preset = {
  columns: {
    leads: SALESFORCE_LEAD,
    contacts: { ...SALESFORCE_LEAD, Website: "account_domain" },
    accounts: {
      Name: "name",
      "Account Name": "name",
      Website: "domain",
      Industry: "industry",
      NumberOfEmployees: "employees",
      Employees: "employees",
      AnnualRevenue: "annual_revenue",
      "Annual Revenue": "annual_revenue",
      BillingCountry: "country",
      "Billing Country": "country",
      BillingState: "region",
      "Billing State/Province": "region",
    },
    deals: {
      Id: "external_id",
      "Opportunity ID": "external_id",
      "Opportunity Id": "external_id",
      Name: "name",
      "Opportunity Name": "name",
      Amount: "amount",
      StageName: "status",
      Stage: "status",
      CloseDate: "close_date",
      "Close Date": "close_date",
      CreatedDate: "created_at",
      "Created Date": "created_at",
      CurrencyIsoCode: "currency",
      Loss_Reason__c: "reason",
      "Loss Reason": "reason",
      "Account Website": "account_domain",
    },
  },
  values: {
    // Salesforce's default lead statuses.
    stage: {
      opennotcontacted: "mql",
      workingcontacted: "sal",
      closedconverted: "sql",
      closednotconverted: "recycled",
    },
    status: { closedwon: "won", closedlost: "lost", "*": "open" },
  },
};

/** Winnow's own export: headers are the field names. */
const WINNOW: Preset = { columns: {}, values: {} };

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  winnow: WINNOW,
  hubspot: HUBSPOT,
  salesforce: SALESFORCE,
};
