/** The lead-times schema, shared by the agent's warnings and the dashboard's lending. */
import { z } from 'zod';

/** Days a refill of each supply takes to reach a station: the agent warns that far ahead, the dashboard looks for lenders. */
export const leadDaysSchema = z
  .strictObject({
    ribbon: z.number().min(0).max(365).default(7).describe('Days it takes to get a new ribbon to the station.'),
    film: z.number().min(0).max(365).default(7).describe('Days it takes to get new retransfer film to the station.'),
    blanks: z.number().min(0).max(365).default(28).describe('Days it takes to get blank cards (often fetched in person from Jakarta).'),
  })
  .prefault({});
