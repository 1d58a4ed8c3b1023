/**
 * The Defender for Endpoint API client: endpoints, credentials, the request funnel (pacing, retry,
 * error mapping), typed models and the isolation-state rule. Knows nothing of Pulumi.
 */
export { MAX_COMMENT_LENGTH } from "./callInputs";
export {
    createDefenderClient,
    type CallOptions,
    type DefenderClient,
    type IsolateRequest,
    type ListActionsFilter,
    type ListingOptions,
    type ListMachinesFilter,
} from "./client";
export type { ListingPage } from "./paging";
export {
    ENDPOINTS,
    ENDPOINT_LIST,
    endpointPath,
    entityAnswer,
    requestOf,
    type Endpoint,
    type EndpointName,
    type EntityAnswer,
    type PageAnswer,
} from "./endpoints";
export type { FleetFilter, FleetListing, FleetReads } from "./fleetReads";
export { renameOptionFields, validateClientOptions, DEFAULT_MAX_PAGES, DEFAULT_PAGE_SIZE, DEFAULT_TIMEOUT_MS, type DefenderClientOptions } from "./options";
export {
    CLOUDS,
    CLOUD_ENDPOINTS,
    endpointProblems,
    isLoopbackHost,
    resolveEndpoints,
    type Cloud,
    type CloudEndpoints,
    type EndpointOptions,
    type ResolvedEndpoints,
} from "./clouds";
export {
    AUTH_METHODS,
    NO_CREDENTIAL,
    credentialProblems,
    identityOptions,
    resetCredentials,
    sharedCredential,
    tokenSourceFor,
    type AuthMethod,
    type CredentialOptions,
    type CredentialSettings,
    type TokenSource,
} from "./auth";
export {
    API_BUCKETS,
    DEFAULT_RATE_LIMITS,
    pacerFor,
    pacingSnapshot,
    rateLimitProblems,
    resetPacing,
    type AcquireOptions,
    type AcquireResult,
    type ApiBucket,
    type BucketPacer,
    type BucketSnapshot,
    type PacingKey,
    type PacingWaitEvent,
    type RateLimit,
} from "./pacing";
export { DOCUMENTED_BUCKET_LIMITS } from "./pacing";
export { DEFAULT_RETRY_OPTIONS, backoffDelayMs, parseRetryAfterSeconds, resolveRetryOptions, retryOptionProblems, type RetryOptions } from "./retry";
export { discoveryUrl, tokenUrl, type SignInCause, type SignInFailure } from "./signIn";
export {
    defenderApiError,
    formatDefenderApiErrorMessage,
    invalidInputError,
    isDefenderApiError,
    DefenderApiError,
    type DefenderApiErrorFields,
    type DefenderApiErrorKind,
} from "./errors";
export {
    decide,
    maxAttempts,
    FIRST_ATTEMPT,
    NOT_SENT_CODES,
    type Answer,
    type AttemptState,
    type Decision,
    type DecisionInput,
    type ErrorBodyFields,
    type FailureFields,
} from "./decision";
export {
    createTransport,
    requestsInFlight,
    type DefenderClientEvent,
    type RetryCause,
    type Transport,
    type TransportOptions,
    type TransportRequest,
    type TransportResponse,
} from "./transport";
export {
    ACTION_STATUSES,
    ISOLATION_ACTION_TYPES,
    ISOLATION_TYPES,
    isActionStatus,
    isIsolationType,
    parseAlert,
    parseMachine,
    parseMachineAction,
    parsePage,
    parseXdrIncident,
    type ActionStatus,
    type Alert,
    type IncidentDevice,
    type XdrIncident,
    type IsolationActionType,
    type IsolationType,
    type Machine,
    type MachineAction,
    type Page,
    type ParseResult,
} from "./models";
export {
    createDeviceReadBatcher,
    deviceReadBatcherFor,
    DEFAULT_GATHER_MS,
    DEFAULT_READ_BATCH_SIZE,
    type DeviceReadBatcher,
    type DeviceReadBatcherOptions,
    type DeviceSnapshot,
} from "./deviceReadBatcher";
export { compareActions, compareFinished, compareTimestamps, isolationState, type IsolationState } from "./isolationState";
export {
    alertIdProblem,
    isAlertId,
    isXdrIncidentId,
    xdrIncidentIdProblem,
    actionIdProblem,
    assertActionId,
    assertDnsName,
    assertMachineId,
    dnsNameProblem,
    encodePathSegment,
    isActionId,
    isMachineId,
    machineIdProblem,
    type RequestContext,
} from "./ids";
export { buildQuery, encodeQueryValue, odataAnyEq, odataEq, odataIn, odataStartsWith, odataString } from "./odata";
export { redact } from "./redaction";
export { currentTokenPermissions, tokenPermissions, type TokenPermissions } from "./tokenRoles";
export { userAgent, PACKAGE_NAME } from "./userAgent";
