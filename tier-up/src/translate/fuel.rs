//! Fuel metering in native code, charging exactly what the interpreter charges.
//!
//! The interpreter's translator starts a straight-line segment at the function's entry, at a loop header, at
//! the start of an `if`'s then- and else-arms, after a `br_if`, and after the `end` of any control frame
//! except a `block` that no branch targets; each segment is charged up front with the number of reachable
//! wasm operators in it. This translator calls [`Translator::start_fuel_segment`] at the same points and
//! counts the same operators, so a run consumes the same fuel, and runs out at the same segment, in both
//! tiers.

use cranelift_codegen::ir::{condcodes::IntCC, types, InstBuilder};

use super::flags::Mem;
use ember_core::TrapCode;

use super::Translator;
use crate::env::VmField;
use crate::status;

impl Translator<'_, '_> {
    /// Starts a segment here: emits its charge, whose amount is filled in when the segment ends.
    pub(crate) fn start_fuel_segment(&mut self) {
        if !self.env.fuel() {
            return;
        }
        self.end_fuel_segment();
        self.fuel_count = 0;
        if !self.reachable {
            return;
        }
        let ptr = self.vmctx_load(self.pointer, VmField::FuelPtr);
        let fuel = self.builder.ins().load(types::I64, self.regions.flags(Mem::Fuel), ptr, 0);
        let amount = self.builder.ins().iconst(types::I64, 0);
        let short = self.builder.ins().icmp(IntCC::UnsignedLessThan, fuel, amount);
        let out = self.builder.create_block();
        self.builder.set_cold_block(out);
        let next = self.builder.create_block();
        self.builder.ins().brif(short, out, &[], next, &[]);

        // Out of fuel: the interpreter leaves the store with none.
        self.builder.switch_to_block(out);
        self.builder.seal_block(out);
        let zero = self.builder.ins().iconst(types::I64, 0);
        self.builder.ins().store(self.regions.flags(Mem::Fuel), zero, ptr, 0);
        let code = self.builder.ins().iconst(types::I32, i64::from(status::of(TrapCode::OutOfFuel)));
        self.builder.ins().return_(&[code]);

        self.builder.switch_to_block(next);
        self.builder.seal_block(next);
        let rest = self.builder.ins().isub(fuel, amount);
        self.builder.ins().store(self.regions.flags(Mem::Fuel), rest, ptr, 0);
        self.fuel_charge = self.builder.func.dfg.value_def(amount).inst();
    }

    /// Ends the current segment: its charge becomes the number of operators counted.
    pub(crate) fn end_fuel_segment(&mut self) {
        if let Some(inst) = self.fuel_charge.take() {
            self.builder.func.replace(inst).iconst(types::I64, i64::from(self.fuel_count));
        }
    }
}
