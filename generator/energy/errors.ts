/** Errors of the energy instrument: bad VCD, netlist/VCD mismatch, bad coefficients file. */
import { PotgenError } from '../core/errors.ts';

/** Input to the energy instrument (a VCD, a Yosys JSON netlist, a coefficients file) that cannot be used. */
export class EnergyInputError extends PotgenError {
  override name = 'EnergyInputError';
}
