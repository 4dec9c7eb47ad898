/** The per-token mutation counter the rate-limit middleware consults (a fixed window kept in D1). */
export { countRequest } from "../store/rate-limits";
