import type { SeededRandom } from './seeded-random.js';

/** Names and devices the demo's testers get: enough variety that the tables look like a real beta. */
const FIRST_NAMES = [
  'Ada',
  'Amara',
  'Ana',
  'Arjun',
  'Beatriz',
  'Ben',
  'Chen',
  'Chloe',
  'Dalia',
  'Daniel',
  'Diego',
  'Elif',
  'Emma',
  'Farah',
  'Felix',
  'Grace',
  'Hana',
  'Hugo',
  'Ines',
  'Isaac',
  'Jamal',
  'Jana',
  'Jonas',
  'Kai',
  'Kenji',
  'Lara',
  'Leo',
  'Lina',
  'Luca',
  'Maya',
  'Mateo',
  'Mei',
  'Mila',
  'Nadia',
  'Noah',
  'Nora',
  'Omar',
  'Olga',
  'Pablo',
  'Priya',
  'Quinn',
  'Rafael',
  'Rosa',
  'Sami',
  'Sara',
  'Sofia',
  'Tariq',
  'Thea',
  'Tomas',
  'Uma',
  'Vera',
  'Victor',
  'Wen',
  'Yara',
  'Yusuf',
  'Zoe',
];
const LAST_NAMES = [
  'Abe',
  'Adeyemi',
  'Almeida',
  'Andersen',
  'Bauer',
  'Becker',
  'Bianchi',
  'Costa',
  'Dubois',
  'Eriksson',
  'Fischer',
  'Garcia',
  'Haddad',
  'Hansen',
  'Ito',
  'Jansen',
  'Kaur',
  'Kim',
  'Kowalski',
  'Larsen',
  'Lopez',
  'Mendes',
  'Moreau',
  'Murphy',
  'Nakamura',
  'Nguyen',
  'Novak',
  'Okafor',
  'Olsen',
  'Park',
  'Patel',
  'Perez',
  'Petrov',
  'Quinn',
  'Rossi',
  'Sato',
  'Schmidt',
  'Silva',
  'Singh',
  'Smith',
  'Suzuki',
  'Tanaka',
  'Taylor',
  'Torres',
  'Vargas',
  'Walsh',
  'Weber',
  'Wong',
  'Yilmaz',
  'Zhang',
];

export interface DemoDevice {
  readonly platform: string;
  readonly device: string;
  readonly osVersion: string;
}

const DEVICES: readonly DemoDevice[] = [
  { platform: 'IOS', device: 'iPhone15,2', osVersion: '17.0.3' },
  { platform: 'IOS', device: 'iPhone15,3', osVersion: '17.0.2' },
  { platform: 'IOS', device: 'iPhone14,5', osVersion: '16.6.1' },
  { platform: 'IOS', device: 'iPhone14,2', osVersion: '16.5' },
  { platform: 'IOS', device: 'iPhone16,1', osVersion: '17.0.3' },
  { platform: 'IOS', device: 'iPhone13,2', osVersion: '15.7.9' },
  { platform: 'IOS', device: 'iPad13,8', osVersion: '17.0' },
  { platform: 'MAC_OS', device: 'Mac14,2', osVersion: '14.0' },
  { platform: 'VISION_OS', device: 'RealityDevice14,1', osVersion: '1.0' },
];

export interface DemoPerson {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly device: DemoDevice;
}

/** People with distinct emails: the same name twice gets a number in its email, as real betas have. */
export function demoPeople(random: SeededRandom) {
  const emails = new Set<string>();
  return (): DemoPerson => {
    const firstName = random.pick(FIRST_NAMES);
    const lastName = random.pick(LAST_NAMES);
    const local = `${firstName}.${lastName}`.toLowerCase();
    let email = `${local}@example.com`;
    for (let n = 2; emails.has(email); n++) email = `${local}${n}@example.com`;
    emails.add(email);
    // Mostly phones, some iPads and Macs, a few headsets.
    const device = random.chance(0.8) ? random.pick(DEVICES.slice(0, 6)) : random.pick(DEVICES.slice(6));
    return { firstName, lastName, email, device };
  };
}
