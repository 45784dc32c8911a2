/** A hospital as people know it: its name and national code (国家医保编码), the registry id only as a fallback. */
import { useEffect, useState } from 'preact/hooks';
import { hospitalOf } from '../fetchers.js';
import type { Hospital } from '../wire.js';

/** 平阳县人民医院（H33032600001）. */
export function hospitalLabel(hospital: Hospital | null, hospitalId: string): string {
  if (!hospital) return hospitalId;
  const code = (hospital as Hospital & { fixmedinsCode?: string | null }).fixmedinsCode;
  return code ? `${hospital.name}（${code}）` : hospital.name;
}

export function HospitalName({ hospitalId }: { hospitalId: string | null | undefined }) {
  const [hospital, setHospital] = useState<Hospital | null>(null);
  useEffect(() => {
    let live = true;
    setHospital(null);
    if (hospitalId) void hospitalOf(hospitalId).then((found) => live && setHospital(found));
    return () => {
      live = false;
    };
  }, [hospitalId]);
  if (!hospitalId) return null;
  return (
    <span class="hospital-name" data-hospital={hospitalId}>
      {hospitalLabel(hospital, hospitalId)}
    </span>
  );
}
